package io.execution.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.registry.WorkerRegistry;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis backend on a Cluster of three masters and behind a Sentinel, started from
 * {@code redis-server}: calls, executions, the worker registry and a take-over, each through
 * Spring Data Redis's own {@code spring.data.redis.cluster.*} / {@code sentinel.*} settings.
 */
class RedisTopologiesTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void callsExecutionsTheRegistryAndATakeOverWorkOnACluster() throws Exception {
		TestRedisTopology cluster = TestRedisTopology.cluster();
		this.closeables.add(cluster);
		RedisClusterClient client = RedisClusterClient.create(cluster.nodes()
			.stream()
			.map((node) -> RedisURI.create("127.0.0.1", node.port()))
			.toList());
		this.closeables.add(client::shutdown);
		exercise(cluster, client.connect().sync());
	}

	@Test
	void callsExecutionsTheRegistryAndATakeOverWorkBehindASentinel() throws Exception {
		TestRedisTopology sentinel = TestRedisTopology.sentinel();
		this.closeables.add(sentinel);
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", sentinel.nodes().get(0).port()));
		this.closeables.add(client::shutdown);
		exercise(sentinel, client.connect().sync());
	}

	private void exercise(TestRedisTopology topology, RedisClusterCommands<String, String> redis) throws Exception {
		String prefix = "topology" + UUID.randomUUID();
		Function<Boolean, ConfigurableApplicationContext> start = (worker) -> {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisApplication.class)
				.web(WebApplicationType.NONE)
				.properties(topology.properties())
				.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
						"execution.queue.redis.prefix=" + prefix, "execution.endpoints.ledger.queue=ledger",
						"execution.endpoints.ledger.timeout=30s", "execution.worker.enabled=" + worker,
						"execution.worker.queues=ledger", "execution.queue.redis.visibility-timeout=1s")
				.run();
			this.contexts.add(context);
			return context;
		};
		ConfigurableApplicationContext caller = start.apply(false);
		Ledger ledger = caller.getBean(Ledger.class);

		// A worker takes a request and dies before answering: the next worker takes it over.
		String stream = prefix + ":{q:ledger}:requests";
		redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers", XGroupCreateArgs.Builder.mkstream());
		CompletableFuture<String> orphan = ledger.read("orphan");
		await().atMost(Duration.ofSeconds(10)).until(() -> redis.xlen(stream) == 1);
		assertThat(redis.xreadgroup(Consumer.from("workers", "killed"), XReadArgs.Builder.count(1),
				XReadArgs.StreamOffset.lastConsumed(stream))).hasSize(1);
		// And one that answered (its answer stashed) and stopped before acknowledging: answered again, not run.
		CompletableFuture<String> answered = ledger.write("answered");
		await().atMost(Duration.ofSeconds(10)).until(() -> redis.xlen(stream) == 2);
		StoppedWorkers.answerAndStop(redis, prefix, "wrote answered");
		ConfigurableApplicationContext worker = start.apply(true);
		assertThat(orphan.get(20, TimeUnit.SECONDS)).isEqualTo("value of orphan");
		assertThat(answered.get(20, TimeUnit.SECONDS)).isEqualTo("wrote answered");
		assertThat(worker.getBean(LedgerService.class).calls).containsExactly("read:orphan");

		// Calls.
		for (int i = 0; i < 20; i++) {
			assertThat(ledger.write("k" + i).get(10, TimeUnit.SECONDS)).isEqualTo("wrote k" + i);
		}
		assertThat(ledger.where()).startsWith("execution-worker-ledger-");

		// The registry.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> caller.getBean(WorkerRegistry.class).liveWorkers("ledger").size() == 1);

		// Executions: started by the caller, found by another process through the store.
		Execution<String> job = caller.getBean(Executions.class).start(ledger::where);
		assertThat(job.await(Duration.ofSeconds(20))).startsWith("execution-worker-ledger-");
		Execution<Object> found = worker.getBean(Executions.class).find(job.id()).orElseThrow();
		assertThat(found.record().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
	}

}
