package io.execution.executions;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.queue.QueueBackend;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Executions scheduled for later: SCHEDULED and cancellable until due, never started before,
 * and on Redis durable across restarts of the caller and of every worker.
 */
class SchedulingTest {

	private final JobsContexts apps = new JobsContexts();

	@AfterEach
	void close() {
		this.apps.close();
	}

	private ConfigurableApplicationContext run(String... properties) {
		return this.apps.run(properties);
	}

	private ConfigurableApplicationContext shared(String backend, String... more) {
		return this.apps.shared(backend, JobsContexts.with("execution.endpoints.jobs.queue=jobs", more));
	}

	private static void neverEarly(ExecutionRecord record, Instant due) {
		assertThat(record.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(record.startedAt()).as("started at or after it was due").isAfterOrEqualTo(due.minusMillis(5));
	}

	@Test
	void inMemoryAScheduledExecutionWaitsUntilDueAndCanBeCancelled() {
		ConfigurableApplicationContext app = run("execution.endpoints.jobs.queue=jobs", "execution.worker.enabled=true",
				"execution.worker.queues=jobs");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		QueueBackend queues = app.getBean(QueueBackend.class);
		String name = "later-" + UUID.randomUUID();

		Instant due = Instant.now().plusMillis(400);
		Execution<Void> later = executions.startAt(due, () -> jobs.touch(name));
		assertThat(later.status()).isEqualTo(ExecutionStatus.SCHEDULED);
		assertThat(queues.state("jobs").scheduled()).isEqualTo(1);
		assertThat(queues.state("jobs").nextDue()).isPositive();
		later.await(Duration.ofSeconds(10));
		neverEarly(later.record(), due);
		assertThat(JobsService.touches.get(name).get()).isEqualTo(1);

		String cancelled = "cancelled-" + UUID.randomUUID();
		Execution<Void> dropped = executions.startAfter(Duration.ofMinutes(5), () -> jobs.touch(cancelled));
		assertThat(dropped.cancel()).isTrue();
		assertThat(dropped.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(queues.state("jobs").scheduled()).as("nothing left to start").isZero();
		assertThat(JobsService.touches).doesNotContainKey(cancelled);
	}

	@Test
	void onlyQueueEndpointsHoldCallsUntilDue() {
		ConfigurableApplicationContext app = run();
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		assertThatThrownBy(() -> executions.startAfter(Duration.ofSeconds(1), () -> jobs.touch("x")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("execution.endpoints.jobs.queue");
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "redis", "jdbc" })
	void aScheduledExecutionSurvivesTheCallerAndEveryWorkerOnASharedBackend(String backend) {
		ConfigurableApplicationContext firstWorker = shared(backend, "execution.worker.enabled=true",
				"execution.worker.queues=jobs");
		ConfigurableApplicationContext caller = shared(backend);
		String name = "durable-" + UUID.randomUUID();
		Instant due = Instant.now().plusMillis(1500);
		Execution<Void> scheduled = caller.getBean(Executions.class)
			.startAt(due, () -> caller.getBean(Jobs.class).touch(name));
		String id = scheduled.id();
		assertThat(scheduled.status()).isEqualTo(ExecutionStatus.SCHEDULED);
		caller.close();
		firstWorker.close();

		ConfigurableApplicationContext secondWorker = shared(backend, "execution.worker.enabled=true",
				"execution.worker.queues=jobs");
		ConfigurableApplicationContext reader = shared(backend);
		Execution<Object> found = reader.getBean(Executions.class).find(id).orElseThrow();
		found.await(Duration.ofSeconds(15));
		neverEarly(found.record(), due);
		assertThat(JobsService.touches.get(name).get()).isEqualTo(1);
		assertThat(secondWorker.getBean(MeterRegistry.class).get("execution.scheduled.lateness").timer().count())
			.isGreaterThanOrEqualTo(1);

		String cancelled = "redis-cancelled-" + UUID.randomUUID();
		Execution<Void> dropped = reader.getBean(Executions.class)
			.startAfter(Duration.ofMinutes(5), () -> reader.getBean(Jobs.class).touch(cancelled));
		QueueBackend queues = reader.getBean(QueueBackend.class);
		assertThat(queues.state("jobs").scheduled()).isEqualTo(1);
		Execution<Object> elsewhere = secondWorker.getBean(Executions.class).find(dropped.id()).orElseThrow();
		assertThat(elsewhere.cancel()).as("cancelled from another process").isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> dropped.status() == ExecutionStatus.CANCELLED);
		assertThat(queues.state("jobs").scheduled()).isZero();
	}

}
