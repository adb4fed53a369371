package io.execution.ticks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.queue.jdbc.JdbcQueueSettings;
import io.execution.queue.jdbc.JdbcSchema;
import io.execution.queue.jdbc.TestPostgres;
import io.execution.recurring.MemoryRecurringStore;
import io.execution.recurring.RecurringStore;
import io.execution.recurring.jdbc.JdbcRecurringStore;
import io.execution.recurring.redis.RedisRecurringStore;
import io.execution.redis.RedisConnections;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One suite for every recurring store — memory, Redis and the database: the latest ticks
 * newest first whatever order the instances record them in, each once, the newest
 * {@value RecurringStore#HISTORY} kept, and a pause seen by every instance.
 */
class RecurringStoresTest {

	private static RedisClient client;

	private static RedisConnections connections;

	@BeforeAll
	static void start() {
		client = RedisClient.create("redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		connections = new RedisConnections(client);
		JdbcSchema.create(TestPostgres.shared().dataSource(), "rstores_");
	}

	@AfterAll
	static void stop() {
		connections.close();
		client.shutdown();
	}

	private static List<RecurringStore> stores() {
		JdbcQueueSettings defaults = JdbcQueueSettings.defaults();
		return List.of(new MemoryRecurringStore(), new RedisRecurringStore(connections, "r" + UUID.randomUUID()),
				new JdbcRecurringStore(TestPostgres.shared().dataSource(), new JdbcQueueSettings("rstores_",
						defaults.visibilityTimeout(), defaults.maxDeliveries(), defaults.pollInterval(),
						defaults.retention(), null)));
	}

	@Test
	void ticksRecordedOutOfOrderOrTwiceAreKeptOnceNewestFirst() {
		Instant t = Instant.parse("2026-12-06T10:00:00Z");
		for (RecurringStore store : stores()) {
			String name = "calls-" + UUID.randomUUID();
			assertThat(store.lastDue(name)).as(store.getClass().getSimpleName()).isEmpty();
			assertThat(store.recent(name)).isEmpty();
			// Three instances record each tick; one of them late, after the next tick.
			store.ticked(name, t);
			store.ticked(name, t.plusSeconds(2));
			store.ticked(name, t.plusSeconds(1));
			store.ticked(name, t.plusSeconds(2));
			store.ticked(name, t);
			assertThat(store.recent(name)).as(store.getClass().getSimpleName())
				.containsExactly(t.plusSeconds(2), t.plusSeconds(1), t);
			assertThat(store.lastDue(name)).contains(t.plusSeconds(2));
			List<Instant> expected = new ArrayList<>();
			for (int i = 30; i >= 3; i--) {
				store.ticked(name, t.plusSeconds(i));
			}
			for (int i = 30; i > 30 - RecurringStore.HISTORY; i--) {
				expected.add(t.plusSeconds(i));
			}
			assertThat(store.recent(name)).as(store.getClass().getSimpleName()).containsExactlyElementsOf(expected);
			// A tick older than all those kept is not kept.
			store.ticked(name, t.minusSeconds(5));
			assertThat(store.recent(name)).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void aPauseHoldsUntilResumed() {
		for (RecurringStore store : stores()) {
			String name = "paused-" + UUID.randomUUID();
			assertThat(store.paused(name)).isFalse();
			store.pause(name, true);
			assertThat(store.paused(name)).as(store.getClass().getSimpleName()).isTrue();
			store.ticked(name, Instant.now());
			assertThat(store.paused(name)).isTrue();
			store.pause(name, false);
			assertThat(store.paused(name)).isFalse();
		}
	}

}
