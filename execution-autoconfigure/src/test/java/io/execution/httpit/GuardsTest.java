package io.execution.httpit;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.execution.CircuitOpenException;
import io.execution.ExecutionException;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.Endpoints;
import io.execution.http.HttpTransport;
import io.execution.http.Instance;
import io.execution.httpit.caller.AsyncBilling;
import io.execution.httpit.caller.Billing;
import io.execution.httpit.caller.CallerApplication;
import io.execution.httpit.worker.WorkerApplication;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The guards count right: both levels of breakers follow the one outcome model (a failed call is
 * a failure even when a URL's breaker refused its last attempt; a caller's cancel is nothing),
 * an opened URL is probed on Resilience4j's clock with or without health checks, and a retry
 * never waits past the call's deadline.
 */
class GuardsTest {

	private static final String TOKEN = "guards-token";

	private static final List<ConfigurableApplicationContext> workers = new ArrayList<>();

	private static ConfigurableApplicationContext up;

	private static ConfigurableApplicationContext slow;

	@BeforeAll
	static void startWorkers() {
		up = worker("up", 0);
		slow = worker("slow", 0, "test.delay=3000");
	}

	@AfterAll
	static void stopWorkers() {
		workers.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void failedCallsOpenTheEndpointBreakerEvenWhenAUrlBreakerRefusesTheLastAttempt() {
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.billing.urls=" + freeUrl(),
				"execution.endpoints.billing.retry.max-attempts=3",
				"execution.endpoints.billing.retry.initial-backoff=1ms", "execution.http.health-check.interval=0")) {
			Billing billing = caller.getBean(Billing.class);
			HttpTransport transport = transport(caller);
			for (int i = 0; i < 5; i++) {
				assertThatThrownBy(() -> billing.quote("x")).isInstanceOf(ExecutionException.class);
			}
			assertThat(transport.instances().get(0).breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(breaker(caller).getMetrics().getNumberOfFailedCalls()).isEqualTo(5);
			assertThat(breaker(caller).getMetrics().getNumberOfSuccessfulCalls()).isZero();
			assertThat(breaker(caller).getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThatThrownBy(() -> billing.quote("x")).isInstanceOf(CircuitOpenException.class)
				.hasMessageContaining("endpoint 'billing'");
		}
	}

	@Test
	void callsTheCallerCancelsCountAgainstNoBreaker() {
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.billing.urls=" + url(slow),
				"execution.http.health-check.interval=0")) {
			AsyncBilling billing = caller.getBean(ExecutionClientFactory.class).create(AsyncBilling.class, "billing");
			HttpTransport transport = transport(caller);
			Instance instance = transport.instances().get(0);
			for (int i = 0; i < 6; i++) {
				CompletableFuture<String> call = billing.slow(2_000);
				await().atMost(Duration.ofSeconds(5)).until(() -> instance.inFlight() == 1);
				assertThat(call.cancel(true)).isTrue();
				await().atMost(Duration.ofSeconds(5)).until(() -> instance.inFlight() == 0);
			}
			for (CircuitBreaker breaker : List.of(breaker(caller), instance.breaker())) {
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
			}
		}
	}

	@Test
	void anOpenedUrlIsProbedAfterItsOpenDurationWithoutHealthChecks() {
		int port = freePort();
		try (ConfigurableApplicationContext caller = caller(
				"execution.endpoints.billing.urls=" + url(up) + ",http://localhost:" + port,
				"execution.http.health-check.interval=0", "execution.http.circuit-breaker.failure-threshold=2",
				"execution.http.circuit-breaker.open-duration=200ms")) {
			Billing billing = caller.getBean(Billing.class);
			Instance later = transport(caller).instances().get(1);
			assertThat(spread(billing, 10)).containsOnlyKeys("up");
			assertThat(later.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
			worker("later", port);
			await().atMost(Duration.ofSeconds(5)).until(() -> spread(billing, 10).containsKey("later"));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> later.breaker().getState() == CircuitBreaker.State.CLOSED);
			assertThat(spread(billing, 40).get("later")).isGreaterThanOrEqualTo(15);
		}
	}

	@Test
	void aPassingHealthCheckBringsAUrlBackIntoRotationWithoutForcingItsBreaker() {
		int port = freePort();
		try (ConfigurableApplicationContext caller = caller(
				"execution.endpoints.billing.urls=" + url(up) + ",http://localhost:" + port,
				"execution.http.health-check.interval=100ms", "execution.http.circuit-breaker.failure-threshold=1",
				"execution.http.circuit-breaker.open-duration=1h")) {
			Billing billing = caller.getBean(Billing.class);
			Instance later = transport(caller).instances().get(1);
			// As if its failures had opened it: what follows must not change that.
			later.breaker().transitionToOpenState();
			await().atMost(Duration.ofSeconds(5)).until(() -> !later.healthy());
			assertThat(spread(billing, 4)).containsOnlyKeys("up");
			worker("later", port);
			await().atMost(Duration.ofSeconds(5)).until(later::healthy);
			// Healthy again, but the user's open duration (1h) decides when its breaker lets a probe through.
			assertThat(later.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(spread(billing, 10)).containsOnlyKeys("up");
		}
	}

	@Test
	void aRetryWhoseWaitWouldEndPastTheDeadlineIsNotMade() {
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.billing.urls=" + freeUrl(),
				"execution.endpoints.billing.timeout=400ms", "execution.endpoints.billing.retry.max-attempts=3",
				"execution.endpoints.billing.retry.initial-backoff=3s", "execution.http.health-check.interval=0")) {
			Billing billing = caller.getBean(Billing.class);
			long start = System.nanoTime();
			assertThatThrownBy(() -> billing.quote("x")).isInstanceOf(ExecutionException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_400));
			AsyncBilling async = caller.getBean(ExecutionClientFactory.class).create(AsyncBilling.class, "billing");
			long asyncStart = System.nanoTime();
			assertThat(async.quote("x")).failsWithin(Duration.ofSeconds(5));
			assertThat(Duration.ofNanos(System.nanoTime() - asyncStart)).isLessThan(Duration.ofMillis(1_400));
		}
	}

	@Test
	void anApplicationThatDoesNotServeOverHttpIsNamedWithTheSwitchToTurnOn() {
		ConfigurableApplicationContext plain = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=0", "test.instance=plain", "spring.main.banner-mode=off")
			.run();
		workers.add(plain);
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.billing.urls=" + url(plain),
				"execution.http.health-check.interval=0")) {
			assertThatThrownBy(() -> caller.getBean(Billing.class).quote("x")).isInstanceOf(ExecutionException.class)
				.hasMessageContaining("No Execution routes at " + url(plain) + "/execution/v1/invocations")
				.hasMessageContaining("execution.http.server.enabled=true");
			assertThat(breaker(caller).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		}
	}

	static ConfigurableApplicationContext worker(String name, int port, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=" + port, "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"test.instance=" + name, "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		workers.add(context);
		return context;
	}

	static ConfigurableApplicationContext caller(String... properties) {
		return new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
			.properties("execution.http.auth.token=" + TOKEN, "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	static String url(ConfigurableApplicationContext worker) {
		return "http://localhost:" + worker.getEnvironment().getProperty("local.server.port");
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String freeUrl() {
		return "http://localhost:" + freePort();
	}

	static CircuitBreaker breaker(ConfigurableApplicationContext caller) {
		return caller.getBean(Endpoints.class).resolve("billing").breaker();
	}

	static HttpTransport transport(ConfigurableApplicationContext caller) {
		return (HttpTransport) caller.getBean(Endpoints.class).resolve("billing").transport();
	}

	static Map<String, Integer> spread(Billing billing, int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			counts.merge(billing.quote("item"), 1, Integer::sum);
		}
		return counts;
	}

}
