package io.execution.executions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.ExecutionCancelledException;
import io.execution.RemoteExecutionException;
import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Executions on the memory backend, in local mode and through the in-memory queue to this
 * application's own worker pool: ids, status transitions, progress, results, errors and cancels.
 */
class MemoryExecutionsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(String mode, String... properties) {
		List<String> settings = new ArrayList<>(List.of("spring.main.banner-mode=off"));
		if (mode.equals("queue")) {
			settings.addAll(List.of("execution.endpoints.jobs.mode=queue", "execution.worker.enabled=true",
					"execution.worker.queues=jobs", "execution.worker.concurrency=2"));
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class)
			.web(WebApplicationType.NONE)
			.properties(settings.toArray(String[]::new))
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	static String name() {
		return "job-" + UUID.randomUUID();
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "queue" })
	void statusMovesFromPendingThroughRunningWithProgressToSucceeded(String mode) throws Exception {
		ConfigurableApplicationContext context = start(mode);
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);
		String name = name();

		Execution<String> job = executions.start(() -> jobs.work(name, 2));

		ExecutionRecord first = job.record();
		assertThat(first.status()).isIn(ExecutionStatus.PENDING, ExecutionStatus.RUNNING);
		assertThat(first.service()).isEqualTo("jobs");
		assertThat(first.method()).isEqualTo("work");
		assertThat(first.mode()).isEqualTo(mode);
		assertThat(first.createdAt()).isNotNull();
		JobsService.awaitStarted(name);
		await().until(() -> job.status() == ExecutionStatus.RUNNING);
		assertThat(job.record().worker()).isNotBlank();
		assertThat(job.record().startedAt()).isNotNull();

		JobsService.gate(name).release();
		await().until(() -> job.record().progress() != null);
		ExecutionRecord half = job.record();
		assertThat(half.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(half.progress()).isEqualTo(0.5);
		assertThat(half.message()).isEqualTo("step 1 of 2");
		assertThat(half.estimatedCompletion()).isAfterOrEqualTo(half.startedAt());

		JobsService.gate(name).release();
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(name + " done after 2 steps");
		ExecutionRecord done = job.record();
		assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(done.progress()).isEqualTo(1.0);
		assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
		assertThat(done.result().stringValue()).isEqualTo(name + " done after 2 steps");
		// Looked up again by id, the result binds to the client method's type.
		assertThat(executions.find(job.id()).orElseThrow().await(Duration.ofSeconds(1)))
			.isEqualTo(name + " done after 2 steps");
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "queue" })
	void aServiceExceptionEndsTheExecutionAsFailed(String mode) {
		ConfigurableApplicationContext context = start(mode);
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);

		Execution<String> job = executions.start(() -> jobs.fail("card declined"));

		assertThatThrownBy(() -> job.await(Duration.ofSeconds(10))).isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("card declined")
			.satisfies((ex) -> assertThat(((RemoteExecutionException) ex).getRemoteType())
				.isEqualTo(IllegalStateException.class.getName()));
		ExecutionRecord record = job.record();
		assertThat(record.status()).isEqualTo(ExecutionStatus.FAILED);
		assertThat(record.error().code()).isEqualTo("service-exception");
		assertThat(record.error().type()).isEqualTo(IllegalStateException.class.getName());
		// Found by id (as after a restart with a shared store), the same error is thrown.
		assertThatThrownBy(() -> executions.find(job.id()).orElseThrow().await(Duration.ofSeconds(1)))
			.isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("card declined");
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "queue" })
	void cancellingARunningExecutionInterruptsIt(String mode) throws Exception {
		ConfigurableApplicationContext context = start(mode);
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);
		String name = name();
		Execution<String> job = executions.start(() -> jobs.work(name, 1));
		JobsService.awaitStarted(name);

		assertThat(job.cancel()).isTrue();

		await().until(() -> JobsService.interrupted.contains(name));
		assertThat(job.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThatThrownBy(() -> job.await(Duration.ofSeconds(1))).isInstanceOf(ExecutionCancelledException.class);
		assertThat(job.cancel()).as("a finished execution cannot be cancelled again").isFalse();
	}

	@Test
	void voidPrimitiveAndFutureMethodsStartToo() {
		ConfigurableApplicationContext context = start("queue");
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);
		String name = name();

		Execution<Void> touch = executions.start(() -> jobs.touch(name));
		Execution<Integer> length = executions.start(() -> jobs.length("four"));

		assertThat(touch.await(Duration.ofSeconds(10))).isNull();
		assertThat(JobsService.touched).contains(name);
		assertThat(length.await(Duration.ofSeconds(10))).isEqualTo(4);
		Execution<Integer> asynchronous = executions.startAsync(() -> jobs.lengthAsync("three"));
		assertThat(asynchronous.await(Duration.ofSeconds(10))).isEqualTo(5);
	}

	@Test
	void theLambdaMustCallExactlyOneClientMethod() {
		ConfigurableApplicationContext context = start("local");
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);

		assertThatThrownBy(() -> executions.start(() -> "no call")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("exactly one");
		assertThatThrownBy(() -> executions.start(() -> jobs.length("a") + jobs.length("b")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("it called 2");
		assertThat(JobsService.touched).isNotNull();
	}

	@Test
	void anUnknownIdIsNotFound() {
		ConfigurableApplicationContext context = start("local");
		assertThat(context.getBean(Executions.class).find("no-such-id")).isEmpty();
	}

	@Test
	void aRecordIsGoneOnceItsRetentionPasses() {
		ConfigurableApplicationContext context = start("local", "execution.executions.retention=300ms");
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);
		Execution<Integer> job = executions.start(() -> jobs.length("gone"));
		assertThat(job.await(Duration.ofSeconds(5))).isEqualTo(4);

		await().atMost(Duration.ofSeconds(5)).until(() -> executions.find(job.id()).isEmpty());
	}

	@Test
	void anExecutionHasItsOwnTimeout() {
		ConfigurableApplicationContext context = start("queue");
		Executions executions = context.getBean(Executions.class);
		Jobs jobs = context.getBean(Jobs.class);
		String name = name();

		Execution<String> job = executions.start(Duration.ofMillis(300), () -> jobs.work(name, 1));

		assertThatThrownBy(() -> job.await(Duration.ofSeconds(10)))
			.isInstanceOf(io.execution.ExecutionTimeoutException.class);
		assertThat(job.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
		await().until(() -> JobsService.interrupted.contains(name));
	}

}
