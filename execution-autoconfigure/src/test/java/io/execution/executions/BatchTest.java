package io.execution.executions;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.execution.RemoteExecutionException;
import io.execution.async.Batch;
import io.execution.async.BatchProgress;
import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Batches: many executions started as one unit, with one id, progress, results in order, one
 * cancel and a completion; on Redis a batch started by one process is read by another after the
 * starter is gone.
 */
class BatchTest {

	private final JobsContexts apps = new JobsContexts();

	@AfterEach
	void close() {
		this.apps.close();
	}

	private ConfigurableApplicationContext run(String... properties) {
		return this.apps.run(JobsContexts.with("execution.endpoints.jobs.queue=jobs", properties));
	}

	private ConfigurableApplicationContext shared(String backend, String... more) {
		return this.apps.shared(backend, JobsContexts.with("execution.endpoints.jobs.queue=jobs", more));
	}

	@Test
	void resultsInOrderProgressAndCompletion() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.enabled=true", "execution.worker.queues=jobs",
				"execution.worker.concurrency=4");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		List<String> words = List.of("a", "bb", "ccc", "dddd", "eeeee", "ffffff");

		Batch<Integer> batch = executions.startAll(words, jobs::length);

		assertThat(batch.await(Duration.ofSeconds(20))).containsExactly(1, 2, 3, 4, 5, 6);
		BatchProgress done = batch.whenDone().get(10, TimeUnit.SECONDS);
		assertThat(done).isEqualTo(new BatchProgress(6, 0, 0, 6, 0, 0, 0));
		assertThat(done.fraction()).isEqualTo(1.0);
		assertThat(executions.findBatch(batch.id())).get()
			.satisfies((found) -> assertThat(found.executions()).extracting(Execution::id)
				.containsExactlyElementsOf(batch.executions().stream().map(Execution::id).toList()));
		assertThat(executions.findBatch("no-such-batch")).isEmpty();
		assertThatThrownBy(() -> executions.startAll(List.of(), jobs::length))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aFailureIsCountedAndThrownInOrder() {
		ConfigurableApplicationContext app = run("execution.worker.enabled=true", "execution.worker.queues=jobs");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		Batch<String> batch = executions.startAll(List.of("ok-1", "boom", "ok-2"),
				(word) -> word.startsWith("boom") ? jobs.fail(word) : jobs.work(word, 0));
		assertThatThrownBy(() -> batch.await(Duration.ofSeconds(20))).isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("boom");
		await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().done());
		assertThat(batch.progress()).isEqualTo(new BatchProgress(3, 0, 0, 2, 1, 0, 0));
	}

	/** Repeated: the running item's thread, freed by its cancel, must find nothing left to take. */
	@org.junit.jupiter.api.RepeatedTest(10)
	void cancelStopsWhatHasNotFinished() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.enabled=true", "execution.worker.queues=jobs",
				"execution.worker.concurrency=1");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		String name = "held-" + UUID.randomUUID();
		Batch<String> batch = executions.startAll(List.of(name, name + "-2", name + "-3"), (job) -> jobs.work(job, 1));
		JobsService.awaitStarted(name);
		assertThat(batch.progress().running()).isEqualTo(1);

		assertThat(batch.cancel()).isEqualTo(3);
		BatchProgress done = batch.whenDone().get(10, TimeUnit.SECONDS);
		assertThat(done.cancelled()).isEqualTo(3);
		assertThat(batch.executions()).allSatisfy(
				(execution) -> assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED));
		// The waiting items never started: a cancelled batch runs nothing more.
		assertThat(JobsService.started(name + "-2").getCount()).as("the second item started").isEqualTo(1);
		assertThat(JobsService.started(name + "-3").getCount()).as("the third item started").isEqualTo(1);
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "redis", "jdbc" })
	void aBatchOutlivesTheProcessThatStartedItOnASharedBackend(String backend) throws Exception {
		shared(backend, "execution.worker.enabled=true", "execution.worker.queues=jobs", "execution.worker.concurrency=4");
		ConfigurableApplicationContext starter = shared(backend);
		Executions started = starter.getBean(Executions.class);
		Jobs jobs = starter.getBean(Jobs.class);
		Batch<Integer> batch = started.startAll(List.of("one", "three", "five"), jobs::length);
		String id = batch.id();
		starter.close();

		ConfigurableApplicationContext other = shared(backend);
		Batch<Object> found = other.getBean(Executions.class).findBatch(id).orElseThrow();
		assertThat(found.whenDone().get(20, TimeUnit.SECONDS).succeeded()).isEqualTo(3);
		assertThat(found.await(Duration.ofSeconds(10))).containsExactly(3, 5, 4);
	}

}
