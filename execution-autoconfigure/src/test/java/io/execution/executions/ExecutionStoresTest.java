package io.execution.executions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.execution.async.ExecutionChange;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.ExecutionStore;
import io.execution.async.ExecutionQuery;
import io.execution.async.MemoryExecutionStore;
import io.execution.async.jdbc.JdbcExecutionStore;
import io.execution.async.redis.RedisExecutionStore;
import io.execution.queue.jdbc.JdbcQueueSettings;
import io.execution.queue.jdbc.JdbcSchema;
import io.execution.queue.jdbc.TestPostgres;
import io.execution.redis.RedisConnections;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One suite for every execution store — memory, Redis (whose rule is a Lua script) and the
 * database: each makes each change exactly from the states {@link ExecutionChange} allows
 * (every change tried from every state, and from no record at all), estimates completions the
 * same way, ties idempotency keys once, keeps batches and lists newest first.
 */
class ExecutionStoresTest {

	private static RedisClient client;

	private static RedisConnections connections;

	@BeforeAll
	static void start() {
		client = RedisClient.create("redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		connections = new RedisConnections(client);
		JdbcSchema.create(TestPostgres.shared().dataSource(), "stores_");
	}

	@AfterAll
	static void stop() {
		connections.close();
		client.shutdown();
	}

	private static List<ExecutionStore> stores(Duration retention) {
		return List.of(new MemoryExecutionStore(retention, 10_000),
				new RedisExecutionStore(connections, "table-" + UUID.randomUUID(), retention),
				new JdbcExecutionStore(TestPostgres.shared().dataSource(), settings(), retention));
	}

	private static JdbcQueueSettings settings() {
		JdbcQueueSettings defaults = JdbcQueueSettings.defaults();
		return new JdbcQueueSettings("stores_", defaults.visibilityTimeout(), defaults.maxDeliveries(),
				defaults.pollInterval(), defaults.retention(), null);
	}

	@Test
	void everyStoreObeysTheOneStateTable() {
		{
			List<ExecutionStore> stores = stores(Duration.ofMinutes(5));
			List<ExecutionStatus> states = new ArrayList<>(Arrays.asList(ExecutionStatus.values()));
			states.add(null);
			List<String> mismatches = new ArrayList<>();
			int tried = 0;
			for (ExecutionStore store : stores) {
				for (ExecutionStatus from : states) {
					for (ExecutionChange change : ExecutionChange.values()) {
						String id = "e-" + UUID.randomUUID();
						bring(store, id, from);
						boolean applied = apply(store, id, change);
						tried++;
						if (applied != change.appliesTo(from)) {
							mismatches.add(store.name() + ": " + change + " from " + from + " applied=" + applied);
						}
					}
				}
			}
			assertThat(tried).isEqualTo(3 * states.size() * ExecutionChange.values().length);
			assertThat(mismatches).isEmpty();
		}
	}

	/**
	 * Both stores estimate a completion from the pace since the previous report: a slow first
	 * step (a JIT warming up) does not skew the estimate once a second report shows the pace.
	 */
	@Test
	void everyStoreEstimatesFromThePaceSinceThePreviousReport() {
		{
			List<ExecutionStore> stores = stores(Duration.ofMinutes(5));
			Instant t = Instant.parse("2026-12-06T10:00:00Z");
			for (ExecutionStore store : stores) {
				String id = "e-" + UUID.randomUUID();
				store.create(ExecutionRecord.pending(id, "jobs", "run", 0, "jobs", "queue", t));
				store.running(id, "w1", t.plusSeconds(10));
				// One report: the pace since the start (10 s for a quarter: 40 s in all).
				store.progress(id, 0.25, "a quarter", t.plusSeconds(20));
				assertThat(store.find(id).orElseThrow().estimatedCompletion()).as(store.name())
					.isEqualTo(t.plusSeconds(50));
				// The next quarter took 2 s: half is left, 4 s more — not the 14 s the start's pace says.
				store.progress(id, 0.5, "half", t.plusSeconds(22));
				assertThat(store.find(id).orElseThrow().estimatedCompletion()).as(store.name())
					.isEqualTo(t.plusSeconds(26));
				// A message alone keeps the estimate.
				store.progress(id, Double.NaN, "still half", t.plusSeconds(23));
				assertThat(store.find(id).orElseThrow().estimatedCompletion()).as(store.name())
					.isEqualTo(t.plusSeconds(26));
				store.progress(id, 0.75, "three quarters", t.plusSeconds(25));
				assertThat(store.find(id).orElseThrow().estimatedCompletion()).as(store.name())
					.isEqualTo(t.plusSeconds(28));
			}
		}
	}

	@Test
	void everyStoreTiesAKeyToOneIdOnlyAndMovesItOnlyFromItsHolder() throws Exception {
		for (ExecutionStore store : stores(Duration.ofMinutes(5))) {
			String key = "order-" + UUID.randomUUID();
			// Eight starts with one key at once: one wins, the others learn its id.
			List<java.util.concurrent.CompletableFuture<java.util.Optional<String>>> claims = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				String id = "e-" + i;
				claims.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> store.claim(key, id)));
			}
			List<java.util.Optional<String>> results = claims.stream().map(java.util.concurrent.CompletableFuture::join).toList();
			assertThat(results.stream().filter(java.util.Optional::isEmpty)).as(store.name()).hasSize(1);
			String holder = store.holder(key).orElseThrow();
			assertThat(results.stream().filter(java.util.Optional::isPresent).map(java.util.Optional::get))
				.as(store.name()).hasSize(7).containsOnly(holder);
			assertThat(store.reclaim(key, "not-the-holder", "e-9")).as(store.name()).isFalse();
			assertThat(store.reclaim(key, holder, "e-9")).as(store.name()).isTrue();
			assertThat(store.holder(key)).as(store.name()).contains("e-9");
			assertThat(store.holder("never-" + UUID.randomUUID())).as(store.name()).isEmpty();
		}
	}

	@Test
	void everyStoreKeepsBatchesAndListsNewestFirstByStatus() {
		for (ExecutionStore store : stores(Duration.ofMinutes(5))) {
			String batch = "b-" + UUID.randomUUID();
			store.createBatch(batch, List.of("e-3", "e-1", "e-2"));
			assertThat(store.findBatch(batch)).as(store.name()).contains(List.of("e-3", "e-1", "e-2"));
			assertThat(store.findBatch("b-unknown")).as(store.name()).isEmpty();
			String service = "listed-" + UUID.randomUUID();
			Instant t = Instant.now().minusSeconds(60);
			for (int i = 0; i < 5; i++) {
				String id = service + "-" + i;
				store.create(ExecutionRecord.pending(id, service, "run", 0, "jobs", "queue", t.plusSeconds(i)));
				if (i % 2 == 0) {
					store.finish(id, ExecutionStatus.SUCCEEDED, JsonNodeFactory.instance.numberNode(i), null, Instant.now());
				}
			}
			ExecutionQuery query = ExecutionQuery.newest(10).withService(service);
			assertThat(store.list(query)).as(store.name()).extracting(ExecutionRecord::id)
				.containsExactly(service + "-4", service + "-3", service + "-2", service + "-1", service + "-0");
			assertThat(store.list(query.withStatus(ExecutionStatus.SUCCEEDED))).as(store.name())
				.extracting(ExecutionRecord::id).containsExactly(service + "-4", service + "-2", service + "-0");
			assertThat(store.list(query.page(1, 2))).as(store.name()).extracting(ExecutionRecord::id)
				.containsExactly(service + "-3", service + "-2");
			ExecutionRecord done = store.find(service + "-4").orElseThrow();
			assertThat(done.result().asInt()).as(store.name()).isEqualTo(4);
			assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		}
	}

	@Test
	void everyStoreForgetsARecordItsRetentionAfterItsLastChange() {
		for (ExecutionStore store : stores(Duration.ofMillis(600))) {
			String id = "short-" + UUID.randomUUID();
			store.create(ExecutionRecord.pending(id, "jobs", "run", 0, "jobs", "queue", Instant.now()));
			store.claim("short-key-" + id, id);
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.find(id).isEmpty());
			assertThat(store.holder("short-key-" + id)).as(store.name()).isEmpty();
			if (store instanceof JdbcExecutionStore jdbc) {
				// The retention job deletes the rows (the record and its key).
				assertThat(jdbc.sweep()).isGreaterThanOrEqualTo(2);
			}
			// The id is free again.
			assertThat(store.create(ExecutionRecord.pending(id, "jobs", "run", 0, "jobs", "queue", Instant.now())))
				.as(store.name()).isTrue();
		}
	}

	/** Brings a new record to a state ({@code null}: no record). */
	private static void bring(ExecutionStore store, String id, ExecutionStatus state) {
		if (state == null) {
			return;
		}
		ExecutionRecord pending = ExecutionRecord.pending(id, "jobs", "run", 0, "jobs", "queue", Instant.now());
		assertThat(store.create((state == ExecutionStatus.SCHEDULED) ? pending.scheduled() : pending)).isTrue();
		if (state == ExecutionStatus.RUNNING) {
			store.running(id, "worker-a", Instant.now());
		}
		else if (state.isFinished()) {
			store.finish(id, state, JsonNodeFactory.instance.stringNode("done"),
					(state == ExecutionStatus.SUCCEEDED) ? null : new ExecutionRecord.Error("failed", null, "no"),
					Instant.now());
		}
		assertThat(store.find(id)).map(ExecutionRecord::status).contains(state);
	}

	/** Makes a change; whether it applied is read off the record. */
	private static boolean apply(ExecutionStore store, String id, ExecutionChange change) {
		ExecutionRecord before = store.find(id).orElse(null);
		switch (change) {
			case CREATE -> {
				return store.create(ExecutionRecord.pending(id, "jobs", "run", 0, "jobs", "queue", Instant.now()));
			}
			case REOPEN -> {
				return store.reopen(id);
			}
			case FINISH -> {
				return store.finish(id, ExecutionStatus.CANCELLED, null, new ExecutionRecord.Error("cancelled", null, "x"),
						Instant.now());
			}
			case RUNNING -> store.running(id, "worker-b", Instant.now());
			case PROGRESS -> store.progress(id, 0.5, "half", Instant.now());
			case LOCATED -> store.located(id, "http://elsewhere:8080/execution/v1/executions/" + id);
			case RETRY -> store.retrying(id, new ExecutionRecord.Attempt(1, Instant.now(), Instant.now(), "worker-b",
					new ExecutionRecord.Error("service-exception", "java.lang.IllegalStateException", "no"),
					Instant.now().plusSeconds(1)));
		}
		ExecutionRecord after = store.find(id).orElse(null);
		if (change == ExecutionChange.RETRY && after != null && after.version() != before.version()) {
			// A retry leaves the record waiting for its next attempt, the failed one kept.
			assertThat(after.status()).as(store.name()).isEqualTo(ExecutionStatus.SCHEDULED);
			assertThat(after.attempts()).as(store.name()).singleElement()
				.satisfies((attempt) -> assertThat(attempt.error().message()).isEqualTo("no"));
		}
		return before != null && after != null && after.version() != before.version();
	}

}
