package io.execution.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.execution.RemoteExecutionException;
import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetters;
import io.execution.fixtures.SharedBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Retry policies for failed work, on the memory backend and on Redis (where the worker that ran an
 * attempt and the one that runs the next are different processes): the attempts, the waits between
 * them, the exceptions never retried, the caller's deadline, the endpoint's properties against the
 * method's annotation, and each attempt in the execution's record.
 */
class RetryFailedTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private String[] backend(String name) {
		if (name.equals("memory")) {
			return new String[0];
		}
		return SharedBackends.properties(name, SharedBackends.prefix());
	}

	private ConfigurableApplicationContext start(boolean worker, String[] backend, String... more) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RetryApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.flaky.queue=flaky",
					"execution.endpoints.flaky.timeout=20s", "execution.endpoints.flaky.retry-failed.max-attempts=2",
					"execution.endpoints.flaky.retry-failed.initial-interval=50ms",
					"execution.worker.enabled=" + worker, "execution.worker.queues=flaky")
			.properties(backend)
			.properties(more)
			.run();
		this.contexts.add(context);
		return context;
	}

	/** The caller: on memory the one JVM that also works; on a shared backend a process of its own beside one worker. */
	private ConfigurableApplicationContext caller(String name, String... more) {
		String[] backend = backend(name);
		if (name.equals("memory")) {
			return start(true, backend, more);
		}
		start(true, backend, more);
		return start(false, backend, more);
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void aFailedCallRunsAgainAfterItsIntervalUntilItSucceeds(String backend) {
		Flaky flaky = caller(backend).getBean(Flaky.class);
		String key = key();
		long start = System.nanoTime();
		assertThat(flaky.annotated(key, 2)).isEqualTo(key + " after 3");
		// Waits of 100 ms, then 200 ms (no jitter): the third attempt comes no sooner.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(FlakyService.runs(key)).isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void theLastAttemptsFailureReachesTheCaller(String backend) {
		Flaky flaky = caller(backend).getBean(Flaky.class);
		String key = key();
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.annotated(key, 5))
			.withMessageContaining("run 3 of " + key + " fails");
		assertThat(FlakyService.runs(key)).isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void anExceptionThePolicyNeverRetriesEndsTheCallAtOnce(String backend) {
		Flaky flaky = caller(backend).getBean(Flaky.class);
		String key = key();
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.refused(key))
			.withMessageContaining("no " + key);
		assertThat(FlakyService.runs(key)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void aCallThatFailedForGoodIsKeptAsADeadLetterWhenThePolicySaysSo(String backend) {
		ConfigurableApplicationContext caller = caller(backend);
		Flaky flaky = caller.getBean(Flaky.class);
		String key = key();
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.kept(key));
		assertThat(FlakyService.runs(key)).isEqualTo(2);
		DeadLetters deadLetters = caller.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count("flaky") == 1);
		DeadLetter letter = deadLetters.list("flaky", 0, 1).get(0);
		assertThat(letter.cause()).isEqualTo("failed on attempt 2 of 2: java.lang.IllegalStateException: run 2 of " + key
				+ " fails");
		// A failure the policy does not keep is no dead letter.
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.annotated(key(), 5));
		assertThat(deadLetters.count("flaky")).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void theEndpointsPropertiesRetryItsIdempotentMethodsOnly(String backend) {
		Flaky flaky = caller(backend).getBean(Flaky.class);
		String retried = key();
		assertThat(flaky.byProperties(retried, 1)).isEqualTo(retried + " after 2");
		String once = key();
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.notIdempotent(once, 1));
		assertThat(FlakyService.runs(once)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void aSynchronousCallIsNotRetriedPastItsCallersDeadline(String backend) {
		// 1.5 s for the whole call; the policy would wait 2 s before the second attempt.
		Flaky flaky = caller(backend, "execution.endpoints.flaky.timeout=1500ms",
				"execution.endpoints.flaky.retry-failed.initial-interval=2s").getBean(Flaky.class);
		String key = key();
		long start = System.nanoTime();
		assertThatExceptionOfType(RemoteExecutionException.class).isThrownBy(() -> flaky.byProperties(key, 1))
			.withMessageContaining("run 1 of " + key);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		assertThat(FlakyService.runs(key)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void aCallCancelledWhileItsNextAttemptWaitsIsNotRunAgain(String backend) {
		Flaky flaky = caller(backend).getBean(Flaky.class);
		String key = key();
		CompletableFuture<String> call = flaky.later(key, 5);
		await().atMost(Duration.ofSeconds(10)).until(() -> FlakyService.runs(key) == 1);
		// Its next attempt is due a second after the first failed; the caller gives up before.
		call.cancel(true);
		assertThat(call).isCancelled();
		await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> FlakyService.runs(key) == 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "redis", "jdbc" })
	void anExecutionRecordsEachFailedAttempt(String backend) {
		ConfigurableApplicationContext caller = caller(backend, "execution.endpoints.flaky.timeout=5s");
		Flaky flaky = caller.getBean(Flaky.class);
		Executions executions = caller.getBean(Executions.class);
		String key = key();
		Execution<String> execution = executions.start(() -> flaky.annotated(key, 2));
		// Its timeout is each attempt's: the execution's deadline spans every attempt and wait.
		assertThat(execution.await(Duration.ofSeconds(30))).isEqualTo(key + " after 3");
		ExecutionRecord record = execution.record();
		assertThat(record.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(record.attempts()).hasSize(2);
		assertThat(record.attempts()).extracting(ExecutionRecord.Attempt::attempt).containsExactly(1, 2);
		ExecutionRecord.Attempt first = record.attempts().get(0);
		assertThat(first.error().type()).isEqualTo(IllegalStateException.class.getName());
		assertThat(first.error().message()).isEqualTo("run 1 of " + key + " fails");
		assertThat(first.startedAt()).isNotNull();
		assertThat(first.nextAttemptAt()).isAfterOrEqualTo(first.finishedAt().plusMillis(100));
		assertThat(record.toJson()).containsKey("attempts");
	}

	@org.junit.jupiter.api.Test
	void aPolicyOutsideAQueueEndpointOrOutOfRangeStopsTheStartNamingTheProperty() {
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(false, new String[0],
				"execution.endpoints.flaky.mode=http", "execution.endpoints.flaky.urls=http://flaky-1:8080",
				"execution.endpoints.flaky.retry-failed.max-attempts=3"))
			.hasStackTraceContaining("endpoints.flaky.retry-failed.max-attempts")
			.hasStackTraceContaining("only queue endpoints run failed calls again later");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(false, new String[0],
				"execution.endpoints.flaky.retry-failed.jitter=1.5"))
			.hasStackTraceContaining("endpoints.flaky.retry-failed.jitter")
			.hasStackTraceContaining("must be from 0 to 1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis", "jdbc" })
	void theNextAttemptOutlivesTheWorkerThatFailedAndTheCallerThatStarted(String backend) {
		String[] redis = backend(backend);
		String interval = "execution.endpoints.flaky.retry-failed.initial-interval=1500ms";
		ConfigurableApplicationContext first = start(true, redis, interval);
		ConfigurableApplicationContext starter = start(false, redis, interval);
		String key = key();
		Flaky flaky = starter.getBean(Flaky.class);
		String id = starter.getBean(Executions.class).start(() -> flaky.byProperties(key, 1)).id();
		// The first attempt failed on the only worker, which then stops; so does the process that started it.
		await().atMost(Duration.ofSeconds(20))
			.until(() -> starter.getBean(Executions.class).find(id).map((e) -> e.record().attempts().size()).orElse(0) == 1);
		first.close();
		starter.close();
		assertThat(FlakyService.runs(key)).isEqualTo(1);
		ConfigurableApplicationContext second = start(true, redis, interval);
		Executions observer = second.getBean(Executions.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> observer.find(id).map((e) -> e.record().status()).orElse(null) == ExecutionStatus.SUCCEEDED);
		assertThat(observer.find(id).get().record().result().stringValue()).isEqualTo(key + " after 2");
		assertThat(FlakyService.runs(key)).isEqualTo(2);
	}

}
