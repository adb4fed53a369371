package io.execution.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.execution.AllEndpointsFailedException;
import io.execution.CircuitOpenException;
import io.execution.ExecutionException;
import io.execution.ExecutionTimeoutException;
import io.execution.Idempotent;
import io.execution.RemoteExecutionException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher on its own, over transports that answer as told: fallbacks follow the outcome
 * model, sync and async alike; the deadline and the caller's cancel reach the transport.
 */
class DispatcherTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final Map<String, Function<Invocation, CompletableFuture<Object>>> answers = new ConcurrentHashMap<>();

	private final List<String> reached = new ArrayList<>();

	private Dispatcher dispatcher;

	interface Contract {

		String run(String input);

		@Idempotent
		String read(String input);

		java.util.stream.Stream<String> lines(String input);

	}

	@AfterEach
	void close() {
		if (this.dispatcher != null) {
			this.dispatcher.close();
		}
	}

	/** The breakers of the endpoints, when a test gives them. */
	private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

	private Dispatcher dispatcher(Duration timeout) {
		TransportFactory fake = new TransportFactory() {

			@Override
			public String mode() {
				return "fake";
			}

			@Override
			public Transport create(EndpointDefinition endpoint) {
				return (invocation) -> {
					synchronized (DispatcherTest.this.reached) {
						DispatcherTest.this.reached.add(endpoint.name());
					}
					return DispatcherTest.this.answers.get(endpoint.name()).apply(invocation);
				};
			}

		};
		Endpoints endpoints = new Endpoints(
				List.of(new EndpointDefinition("svc", "fake", timeout, List.of("backup")),
						new EndpointDefinition("backup", "fake", timeout)),
				List.of(fake), (name) -> false, timeout, (endpoint) -> this.breakers.get(endpoint.name()));
		this.dispatcher = new Dispatcher(endpoints);
		return this.dispatcher;
	}

	private static ClientMethod method(String name) throws Exception {
		java.lang.reflect.Method method = Contract.class.getMethod(name, String.class);
		return ClientMethod.of("svc", method, MAPPER, method.isAnnotationPresent(Idempotent.class));
	}

	private static CompletableFuture<Object> failing(boolean mayHaveRun) {
		return CompletableFuture.failedFuture(new EndpointFailure(new ExecutionException("down"), mayHaveRun));
	}

	@Test
	void aCallThatNeverRanGoesToTheFallbackSyncAndAsync() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		this.answers.put("svc", (invocation) -> failing(false));
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("from backup"));
		assertThat(dispatcher.call(method("run"), new Object[] { "x" })).isEqualTo("from backup");
		assertThat(dispatcher.callAsync(method("run"), new Object[] { "x" }).get()).isEqualTo("from backup");
		assertThat(this.reached).containsExactly("svc", "backup", "svc", "backup");
	}

	@Test
	void aCallThatMayHaveRunGoesToTheFallbackOnlyWhenIdempotent() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		this.answers.put("svc", (invocation) -> failing(true));
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("from backup"));
		assertThatThrownBy(() -> dispatcher.call(method("run"), new Object[] { "x" }))
			.isInstanceOf(ExecutionException.class)
			.isNotInstanceOf(EndpointFailure.class)
			.hasMessage("down");
		assertThat(dispatcher.callAsync(method("run"), new Object[] { "x" })).failsWithin(Duration.ofSeconds(2));
		assertThat(this.reached).containsExactly("svc", "svc");
		assertThat(dispatcher.call(method("read"), new Object[] { "x" })).isEqualTo("from backup");
		assertThat(dispatcher.callAsync(method("read"), new Object[] { "x" }).get()).isEqualTo("from backup");
	}

	@Test
	void whenTheFallbackFailsTooTheCallerSeesBothCauses() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		this.answers.put("svc", (invocation) -> failing(false));
		this.answers.put("backup", (invocation) -> failing(false));
		assertThatThrownBy(() -> dispatcher.call(method("run"), new Object[] { "x" }))
			.isInstanceOfSatisfying(AllEndpointsFailedException.class, (ex) -> assertThat(ex.getCauses()).hasSize(2));
	}

	@Test
	void aServiceExceptionIsAnAnswerNotTakenToAFallback() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		this.answers.put("svc",
				(invocation) -> CompletableFuture.failedFuture(new RemoteExecutionException("IllegalStateException", "no")));
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("from backup"));
		assertThatThrownBy(() -> dispatcher.call(method("read"), new Object[] { "x" }))
			.isInstanceOf(RemoteExecutionException.class);
		assertThat(this.reached).containsExactly("svc");
	}

	@Test
	void theDeadlineOfAnAsyncCallFailsItAndCancelsTheTransportsFuture() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofMillis(150));
		CompletableFuture<Object> pending = new CompletableFuture<>();
		this.answers.put("svc", (invocation) -> pending);
		CompletableFuture<Object> call = dispatcher.callAsync(method("run"), new Object[] { "x" });
		assertThat(call).failsWithin(Duration.ofSeconds(2))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(ExecutionTimeoutException.class);
		// The cancel follows the deadline on the timer's thread.
		await().atMost(Duration.ofSeconds(2)).until(pending::isCancelled);
	}

	@Test
	void aCallMadeWhileServingACallPastItsDeadlineIsSentNowhereSyncAsyncOrStream() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(5));
		this.answers.put("svc", (invocation) -> CompletableFuture.completedFuture("ran"));
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("ran on the fallback"));
		// A service that went on past its own deadline (it ignored the interrupt) and calls on.
		CallChain.Serving previous = CallChain.enter(List.of("outer"), System.nanoTime() - 1);
		try {
			assertThatThrownBy(() -> dispatcher.call(method("read"), new Object[] { "x" }))
				.isInstanceOf(ExecutionTimeoutException.class)
				.hasMessageContaining("was sent nowhere")
				.hasMessageContaining("the call it was made while serving");
			assertThat(dispatcher.callAsync(method("read"), new Object[] { "x" })).failsWithin(Duration.ofSeconds(2))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(ExecutionTimeoutException.class);
			assertThatThrownBy(() -> dispatcher.stream(method("lines"), new Object[] { "x" }))
				.isInstanceOf(ExecutionTimeoutException.class)
				.hasMessageContaining("was sent nowhere");
		}
		finally {
			CallChain.restore(previous);
		}
		assertThat(this.reached).isEmpty();
		// Its own deadline still ahead, the same call is sent.
		assertThat(dispatcher.call(method("read"), new Object[] { "x" })).isEqualTo("ran");
	}

	@Test
	void theCallersCancelReachesTheTransport() throws Exception {
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(5));
		CompletableFuture<Object> pending = new CompletableFuture<>();
		this.answers.put("svc", (invocation) -> pending);
		CompletableFuture<Object> call = dispatcher.callAsync(method("run"), new Object[] { "x" });
		call.cancel(true);
		assertThat(pending).isCancelled();
	}

	private static CircuitBreaker breaker(String name, int failures) {
		return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
			.slidingWindowSize(failures)
			.minimumNumberOfCalls(failures)
			.failureRateThreshold(100)
			.waitDurationInOpenState(Duration.ofMillis(200))
			.permittedNumberOfCallsInHalfOpenState(1)
			.build());
	}

	@Test
	void theEndpointsBreakerOpensOnItsFailuresInAnyModeAndSendsTheRefusedCallToTheFallback() throws Exception {
		CircuitBreaker breaker = breaker("svc", 3);
		this.breakers.put("svc", breaker);
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		this.answers.put("svc", (invocation) -> failing(false));
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("from backup"));
		assertThat(dispatcher.call(method("run"), new Object[] { "x" })).isEqualTo("from backup");
		assertThat(dispatcher.callAsync(method("run"), new Object[] { "x" }).get()).isEqualTo("from backup");
		assertThat(dispatcher.call(method("run"), new Object[] { "x" })).isEqualTo("from backup");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.reached.clear();
		// Refused by the breaker: never sent to 'svc', taken by the fallback.
		assertThat(dispatcher.call(method("run"), new Object[] { "x" })).isEqualTo("from backup");
		assertThat(this.reached).containsExactly("backup");
		this.breakers.remove("svc");
	}

	@Test
	void anOpenBreakerWithoutFallbackRefusesAndAProbeClosesIt() throws Exception {
		CircuitBreaker breaker = breaker("backup", 2);
		this.breakers.put("backup", breaker);
		Dispatcher dispatcher = dispatcher(Duration.ofSeconds(2));
		ClientMethod method = ClientMethod.of("backup", Contract.class.getMethod("run", String.class), MAPPER, false);
		this.answers.put("backup", (invocation) -> failing(false));
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> dispatcher.call(method, new Object[] { "x" })).isInstanceOf(ExecutionException.class)
				.isNotInstanceOf(CircuitOpenException.class);
		}
		assertThatThrownBy(() -> dispatcher.call(method, new Object[] { "x" })).isInstanceOf(CircuitOpenException.class)
			.hasMessageContaining("endpoint 'backup'");
		assertThat(dispatcher.callAsync(method, new Object[] { "x" })).failsWithin(Duration.ofSeconds(1))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(CircuitOpenException.class);
		this.answers.put("backup", (invocation) -> CompletableFuture.completedFuture("back"));
		await().atMost(Duration.ofSeconds(5))
			.ignoreExceptionsInstanceOf(CircuitOpenException.class)
			.until(() -> "back".equals(dispatcher.call(method, new Object[] { "x" })));
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void serviceExceptionsAndCancelsNeverCountButAnAsyncCallCutAtItsDeadlineDoes() throws Exception {
		CircuitBreaker breaker = breaker("backup", 2);
		this.breakers.put("backup", breaker);
		Dispatcher dispatcher = dispatcher(Duration.ofMillis(100));
		ClientMethod method = ClientMethod.of("backup", Contract.class.getMethod("run", String.class), MAPPER, false);
		this.answers.put("backup",
				(invocation) -> CompletableFuture.failedFuture(new RemoteExecutionException("IllegalStateException", "no")));
		for (int i = 0; i < 4; i++) {
			assertThatThrownBy(() -> dispatcher.call(method, new Object[] { "x" }))
				.isInstanceOf(RemoteExecutionException.class);
		}
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		CompletableFuture<Object> pending = new CompletableFuture<>();
		this.answers.put("backup", (invocation) -> pending);
		dispatcher.callAsync(method, new Object[] { "x" }).cancel(true);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		this.answers.put("backup", (invocation) -> new CompletableFuture<>());
		for (int i = 0; i < 2; i++) {
			assertThat(dispatcher.callAsync(method, new Object[] { "x" })).failsWithin(Duration.ofSeconds(2));
		}
		await().atMost(Duration.ofSeconds(2)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
	}

}
