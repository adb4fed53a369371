package io.execution.executions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.execution.async.DuplicateExecutionException;
import io.execution.async.Execution;
import io.execution.async.ExecutionQuery;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.async.IfExists;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Executions started with an idempotency key run at most once per key within the retention, in
 * one process (memory store) and across processes sharing Redis; records are listed and
 * searched by status, service, key and time.
 */
class IdempotencyTest {

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

	private ConfigurableApplicationContext memory() {
		return run("execution.endpoints.jobs.queue=jobs", "execution.worker.enabled=true",
				"execution.worker.queues=jobs");
	}

	@Test
	void aKeyStartsOneExecutionAndLaterStartsGetIt() {
		Executions executions = memory().getBean(Executions.class);
		Jobs jobs = this.apps.first().getBean(Jobs.class);
		String name = "once-" + UUID.randomUUID();

		Execution<Void> first = executions.withKey("order-42-" + name).start(() -> jobs.touch(name));
		first.await(Duration.ofSeconds(10));
		Execution<Void> second = executions.withKey("order-42-" + name).start(() -> jobs.touch(name));

		assertThat(second.id()).isEqualTo(first.id());
		assertThat(JobsService.touches.get(name).get()).isEqualTo(1);
		assertThat(first.record().key()).isEqualTo("order-42-" + name);
		assertThat(executions.findByKey("order-42-" + name)).get().extracting(Execution::id).isEqualTo(first.id());
		assertThat(executions.findByKey("never-used")).isEmpty();
		assertThat(executions.find("no-such-id")).as("unknown or expired is not pending").isEmpty();

		assertThatThrownBy(() -> executions.withKey("order-42-" + name, IfExists.FAIL).start(() -> jobs.touch(name)))
			.isInstanceOfSatisfying(DuplicateExecutionException.class,
					(ex) -> assertThat(ex.existingId()).isEqualTo(first.id()))
			.hasMessageContaining("order-42-" + name);
		assertThatThrownBy(() -> executions.withKey("order-42-" + name).start(() -> jobs.length("x")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("jobs.touch");
		assertThatThrownBy(() -> executions.withKey(" ")).isInstanceOf(IllegalArgumentException.class);
		assertThat(JobsService.touches.get(name).get()).isEqualTo(1);
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "redis", "jdbc" })
	void aKeyStartedConcurrentlyFromTwoProcessesSharingABackendRunsOnce(String backend) throws Exception {
		ConfigurableApplicationContext worker = shared(backend, "execution.worker.enabled=true",
				"execution.worker.queues=jobs");
		ConfigurableApplicationContext other = shared(backend);
		List<Executions> both = List.of(worker.getBean(Executions.class), other.getBean(Executions.class));
		Jobs jobs = other.getBean(Jobs.class);
		String name = "raced-" + UUID.randomUUID();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Callable<String>> starts = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				Executions executions = both.get(i % 2);
				starts.add(() -> executions.withKey(name).start(() -> jobs.touch(name)).id());
			}
			Set<String> ids = new java.util.HashSet<>();
			for (Future<String> id : threads.invokeAll(starts)) {
				ids.add(id.get());
			}
			assertThat(ids).hasSize(1);
			Execution<Object> execution = both.get(0).find(ids.iterator().next()).orElseThrow();
			execution.await(Duration.ofSeconds(10));
			assertThat(JobsService.touches.get(name).get()).isEqualTo(1);
			assertThat(both.get(1).findByKey(name)).get().extracting(Execution::id).isEqualTo(execution.id());
		}
		finally {
			threads.shutdownNow();
		}
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "redis", "jdbc" })
	void recordsAreListedNewestFirstByStatusServiceKeyAndTimeOnASharedBackend(String backend) throws Exception {
		ConfigurableApplicationContext app = shared(backend, "execution.worker.enabled=true", "execution.worker.queues=jobs");
		listing(app);
	}

	@Test
	void recordsAreListedInMemoryToo() throws Exception {
		listing(memory());
	}

	private void listing(ConfigurableApplicationContext app) throws Exception {
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		Instant before = Instant.now().minusMillis(1);
		List<String> succeeded = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String name = "listed-" + i + "-" + UUID.randomUUID();
			Execution<Void> execution = executions.start(() -> jobs.touch(name));
			execution.await(Duration.ofSeconds(10));
			succeeded.add(0, execution.id());
			// Distinct creation times, so that "newest first" is one order: the next starts a millisecond on.
			long created = execution.record().createdAt().toEpochMilli();
			await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().toEpochMilli() > created);
		}
		Execution<String> failed = executions.start(() -> jobs.fail("listed failure"));
		assertThatThrownBy(() -> failed.await(Duration.ofSeconds(10))).isInstanceOf(RuntimeException.class);
		Execution<Integer> keyed = executions.withKey("listed-key-" + this.apps.prefix()).start(() -> jobs.length("abc"));
		keyed.await(Duration.ofSeconds(10));

		List<ExecutionRecord> all = executions.list(ExecutionQuery.newest(100).withService("jobs"));
		assertThat(all).extracting(ExecutionRecord::id).startsWith(keyed.id(), failed.id());
		List<ExecutionRecord> ok = executions.list(new ExecutionQuery(ExecutionStatus.SUCCEEDED, "jobs", null, before,
				null, 0, 100));
		assertThat(ok).extracting(ExecutionRecord::id).containsSubsequence(succeeded).doesNotContain(failed.id());
		assertThat(executions.list(ExecutionQuery.newest(100).withStatus(ExecutionStatus.FAILED)))
			.extracting(ExecutionRecord::id)
			.contains(failed.id());
		assertThat(executions.list(new ExecutionQuery(null, null, "listed-key-" + this.apps.prefix(), null, null, 0, 10)))
			.extracting(ExecutionRecord::id)
			.containsExactly(keyed.id());
		List<ExecutionRecord> page1 = executions.list(new ExecutionQuery(ExecutionStatus.SUCCEEDED, "jobs", null, before,
				null, 0, 2));
		List<ExecutionRecord> page2 = executions.list(new ExecutionQuery(ExecutionStatus.SUCCEEDED, "jobs", null, before,
				null, 2, 2));
		assertThat(page1).hasSize(2);
		assertThat(page2).hasSize(2);
		assertThat(page1.stream().map(ExecutionRecord::id).collect(Collectors.toSet()))
			.doesNotContainAnyElementsOf(page2.stream().map(ExecutionRecord::id).toList());
		assertThat(executions.list(new ExecutionQuery(null, "jobs", null, Instant.now().plusSeconds(60), null, 0, 10)))
			.isEmpty();
	}

}
