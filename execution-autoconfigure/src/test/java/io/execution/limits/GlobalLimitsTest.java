package io.execution.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits across all workers ({@code execution.worker.limits.<queue>.*}): never more calls of the
 * queue running at once than {@code max-concurrent}, never more started than {@code starts} per
 * {@code per} after the first burst, in one JVM and across worker contexts sharing Redis; calls
 * over a limit wait in the queue and all complete; the slots of a worker that died holding them
 * come back with its lease.
 */
class GlobalLimitsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String prefix = "l" + UUID.randomUUID();

	@BeforeEach
	void reset() {
		ThrottledService.reset();
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ThrottledApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.throttled.queue=throttled",
					"execution.endpoints.throttled.timeout=30s")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private ConfigurableApplicationContext redisWorker(String... more) {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + this.prefix,
				"execution.worker.enabled=true", "execution.worker.queues=throttled", "execution.worker.concurrency=8",
				"execution.worker.limits.throttled.max-concurrent=3", "execution.queue.redis.visibility-timeout=2s"));
		properties.addAll(List.of(more));
		return run(properties.toArray(String[]::new));
	}

	private ConfigurableApplicationContext jdbcWorker(String... more) {
		List<String> properties = new ArrayList<>(List.of(io.execution.queue.jdbc.TestPostgres.shared().properties()));
		// No pool on this module's classpath (its other applications must not get a DataSource).
		properties.addAll(List.of("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
				"execution.queue.backend=jdbc", "execution.jdbc.table-prefix=" + this.prefix.substring(0, 9) + "_",
				"execution.worker.enabled=true", "execution.worker.queues=throttled", "execution.worker.concurrency=8",
				"execution.worker.limits.throttled.max-concurrent=3"));
		properties.addAll(List.of(more));
		return run(properties.toArray(String[]::new));
	}

	private static void callConcurrently(Throttled throttled, int calls, long millis) throws Exception {
		List<CompletableFuture<String>> all = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			all.add(CompletableFuture.supplyAsync(() -> throttled.work(millis)));
		}
		for (CompletableFuture<String> call : all) {
			assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("done");
		}
	}

	@Test
	void inOneJvmNoMoreRunAtOnceThanTheLimit() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.enabled=true", "execution.worker.queues=throttled",
				"execution.worker.concurrency=8", "execution.worker.limits.throttled.max-concurrent=2");
		callConcurrently(app.getBean(Throttled.class), 10, 100);
		assertThat(ThrottledService.most.get()).isEqualTo(2);
	}

	@Test
	void acrossWorkersSharingRedisNoMoreRunAtOnceThanTheLimit() throws Exception {
		redisWorker();
		ConfigurableApplicationContext other = redisWorker();
		callConcurrently(other.getBean(Throttled.class), 12, 150);
		assertThat(ThrottledService.most.get()).as("16 threads in two workers, a limit of 3").isEqualTo(3);
	}

	@Test
	void acrossWorkersSharingPostgresNoMoreRunAtOnceThanTheLimit() throws Exception {
		jdbcWorker();
		ConfigurableApplicationContext other = jdbcWorker();
		callConcurrently(other.getBean(Throttled.class), 12, 150);
		assertThat(ThrottledService.most.get()).as("16 threads in two workers, a limit of 3").isEqualTo(3);
	}

	@Test
	void acrossWorkersSharingPostgresStartsPerPeriodHold() throws Exception {
		jdbcWorker("execution.worker.limits.throttled.starts=5", "execution.worker.limits.throttled.per=1s");
		ConfigurableApplicationContext other = jdbcWorker("execution.worker.limits.throttled.starts=5",
				"execution.worker.limits.throttled.per=1s");
		long start = System.nanoTime();
		callConcurrently(other.getBean(Throttled.class), 15, 10);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two workers share one rate")
			.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void theSlotsOfAWorkerThatDiedComeBackWithItsLease() throws Exception {
		TestRedis redis = TestRedis.shared();
		RedisClient client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			// A worker that died (as by kill -9) holding all three slots: its lease lapses in 3 s.
			var commands = connection.sync();
			List<String> time = commands.time();
			long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
			long start = System.nanoTime();
			commands.hset(this.prefix + ":{q:throttled}:slots", "ghost", "3");
			commands.zadd(this.prefix + ":{q:throttled}:slot-leases", now + 3000, "ghost");

			ConfigurableApplicationContext worker = redisWorker();
			assertThat(worker.getBean(Throttled.class).work(10)).isEqualTo("done");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no slot until the dead worker's lease lapsed")
				.isGreaterThanOrEqualTo(Duration.ofMillis(2900));
			assertThat(commands.hget(this.prefix + ":{q:throttled}:slots", "ghost")).isNull();
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void inOneJvmStartsPerPeriodHold() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.enabled=true", "execution.worker.queues=throttled",
				"execution.worker.concurrency=8", "execution.worker.limits.throttled.starts=5",
				"execution.worker.limits.throttled.per=1s");
		long start = System.nanoTime();
		callConcurrently(app.getBean(Throttled.class), 15, 10);
		// 5 at once, then 5 a second: the last of 15 starts no sooner than 2 s in.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void acrossWorkersSharingRedisStartsPerPeriodHold() throws Exception {
		redisWorker("execution.worker.limits.throttled.starts=5", "execution.worker.limits.throttled.per=1s");
		ConfigurableApplicationContext other = redisWorker("execution.worker.limits.throttled.starts=5",
				"execution.worker.limits.throttled.per=1s");
		long start = System.nanoTime();
		callConcurrently(other.getBean(Throttled.class), 15, 10);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two workers share one rate")
			.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

}
