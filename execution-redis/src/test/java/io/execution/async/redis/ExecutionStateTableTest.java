package io.execution.async.redis;

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
import io.execution.async.MemoryExecutionStore;
import io.execution.redis.RedisConnections;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One execution state table: the memory store and the Redis store (whose rule is a Lua script)
 * make each change exactly from the states {@link ExecutionChange} allows — every change tried
 * from every state, and from no record at all.
 */
class ExecutionStateTableTest {

	@Test
	void bothStoresObeyTheOneStateTable() {
		RedisClient client = RedisClient.create("redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		try (RedisConnections connections = new RedisConnections(client)) {
			List<ExecutionStore> stores = List.of(new MemoryExecutionStore(Duration.ofMinutes(5), 10_000),
					new RedisExecutionStore(connections, "table-" + UUID.randomUUID(), Duration.ofMinutes(5)));
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
			assertThat(tried).isEqualTo(2 * states.size() * ExecutionChange.values().length);
			assertThat(mismatches).isEmpty();
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Both stores estimate a completion from the pace since the previous report: a slow first
	 * step (a JIT warming up) does not skew the estimate once a second report shows the pace.
	 */
	@Test
	void bothStoresEstimateFromThePaceSinceThePreviousReport() {
		RedisClient client = RedisClient.create("redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		try (RedisConnections connections = new RedisConnections(client)) {
			List<ExecutionStore> stores = List.of(new MemoryExecutionStore(Duration.ofMinutes(5), 10_000),
					new RedisExecutionStore(connections, "eta-" + UUID.randomUUID(), Duration.ofMinutes(5)));
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
		finally {
			client.shutdown();
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
