package io.execution.redis;

import java.time.Duration;
import java.util.List;

import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers register with their pools and tags and send heartbeats; one that stops sending them is
 * listed as stale, then removed; one that stops cleanly leaves at once.
 */
class RedisWorkerRegistryTest {

	private static RedisClient client;

	private static RedisCommands<String, String> commands;

	@BeforeAll
	static void connect() {
		TestRedis redis = TestRedis.shared();
		client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
		commands = client.connect().sync();
	}

	@AfterAll
	static void disconnect() {
		client.shutdown();
	}

	private static ConfigurableApplicationContext start(String prefix, boolean worker, String... properties) {
		return new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties(TestRedis.shared().properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + prefix, "execution.worker.enabled=" + worker,
					"execution.worker.queues=ledger,lab", "execution.worker.concurrency=3",
					"execution.worker.heartbeat-interval=200ms")
			.properties(properties)
			.run();
	}

	@Test
	void workersRegisterBeatAndLeave() {
		String prefix = "reg" + Long.toHexString(System.nanoTime());
		try (ConfigurableApplicationContext caller = start(prefix, false);
				ConfigurableApplicationContext one = start(prefix, true, "execution.worker.tags.gpu=true");
				ConfigurableApplicationContext two = start(prefix, true)) {
			WorkerRegistry registry = caller.getBean(WorkerRegistry.class);
			// Until its pools start, a registered worker shows them as not accepting work yet.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.workers().size() == 2 && registry.workers()
					.stream()
					.allMatch((worker) -> worker.pools().stream().allMatch(WorkerInfo.Pool::accepting)));
			List<WorkerInfo> workers = registry.workers();
			assertThat(workers).allSatisfy((worker) -> {
				assertThat(worker.stale()).isFalse();
				assertThat(worker.pools()).extracting(WorkerInfo.Pool::queue).containsExactly("ledger", "lab");
				assertThat(worker.pools()).allMatch((pool) -> pool.concurrency() == 3 && pool.accepting());
				assertThat(worker.lastHeartbeat()).isNotNull();
			});
			assertThat(workers).anySatisfy((worker) -> assertThat(worker.tags()).containsEntry("gpu", "true"));
			assertThat(registry.liveWorkers("lab")).hasSize(2);
			assertThat(registry.liveWorkers("other")).isEmpty();

			// A worker that stops sending heartbeats (as after kill -9): stale after two intervals, gone after three.
			WorkerInfo ghost = workers.get(0);
			String ghostId = "ghost-" + ghost.id();
			String json = new tools.jackson.databind.json.JsonMapper().writeValueAsString(
					new WorkerInfo(ghostId, "ghost-host", ghost.pools(), ghost.tags(), "test", ghost.startedAt(),
							java.time.Instant.EPOCH, false, java.util.List.of(), null, null));
			commands.set(prefix + ":{workers}:worker:" + ghostId, json,
					io.lettuce.core.SetArgs.Builder.px(600));
			List<String> time = commands.time();
			commands.zadd(prefix + ":{workers}:all", Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000,
					ghostId);
			assertThat(registry.workers()).extracting(WorkerInfo::id).contains(ghostId);
			await().atMost(Duration.ofSeconds(3))
				.until(() -> registry.workers().stream().anyMatch((w) -> w.id().equals(ghostId) && w.stale()));
			assertThat(registry.liveWorkers("lab")).extracting(WorkerInfo::id).doesNotContain(ghostId);
			await().atMost(Duration.ofSeconds(3))
				.until(() -> registry.workers().stream().noneMatch((w) -> w.id().equals(ghostId)));

			two.close();
			assertThat(registry.workers()).hasSize(1);
		}
	}

}
