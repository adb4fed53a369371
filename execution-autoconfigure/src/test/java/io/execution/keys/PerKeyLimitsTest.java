package io.execution.keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.CallScope;
import io.execution.ExecutionDefinitionException;
import io.execution.actuate.ExecutionEndpoint;
import io.execution.fixtures.SharedBackends;
import io.execution.redis.TestRedis;
import io.execution.redis.TestRedisTopology;
import io.execution.twokeys.TwoKeysApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Per-key limits ({@code execution.worker.limits.<queue>.per-key.*}): a fairness key — named on
 * the call with {@code @FairnessKey} or set by a {@link CallScope} — never has more calls running
 * at once than {@code max-concurrent}, in one JVM, across worker contexts sharing Redis and on a
 * Redis Cluster; a key at its limit is passed over, so the other keys' calls go on while its own
 * wait in the queue; a per-key rate holds one key back without slowing the others.
 */
class PerKeyLimitsTest {

	private final List<AutoCloseable> after = new ArrayList<>();

	private final String prefix = "k" + UUID.randomUUID();

	@BeforeEach
	void reset() {
		ChargesService.reset();
	}

	@AfterEach
	void close() throws Exception {
		ChargesService.reset();
		for (int i = this.after.size() - 1; i >= 0; i--) {
			this.after.get(i).close();
		}
	}

	private ConfigurableApplicationContext run(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChargesApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.charges.queue=charges",
					"execution.endpoints.charges.timeout=30s", "execution.worker.enabled=true",
					"execution.worker.queues=charges", "execution.worker.concurrency=8",
					"execution.worker.limits.charges.per-key.max-concurrent=1",
					"management.endpoints.web.exposure.include=execution")
			.properties(properties)
			.run();
		this.after.add(context);
		return context;
	}

	private ConfigurableApplicationContext redisWorker(String... more) {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + this.prefix,
				"execution.queue.redis.visibility-timeout=2s"));
		properties.addAll(List.of(more));
		return run(properties.toArray(String[]::new));
	}

	/**
	 * One customer's charge held at a gate: its next charge waits (it has not started), while
	 * another customer's charges run and answer; the gate opened, the waiting one runs.
	 */
	private static void aKeyAtItsLimitWaitsWhileOthersGoOn(Charges charges) throws Exception {
		CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> charges.charge("alice", "alice-1"));
		await().atMost(Duration.ofSeconds(20)).until(() -> ChargesService.started("alice") == 1);
		CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> charges.charge("alice", null));
		// Bob's charges are taken although Alice's waits ahead of them.
		for (int i = 0; i < 3; i++) {
			assertThat(charges.charge("bob", null)).isEqualTo("bob");
		}
		assertThat(CallScope.fairnessKey("carol").call(() -> charges.charge(null, null))).isNull();
		assertThat(next).as("alice's second charge waits for her first").isNotDone();
		assertThat(ChargesService.started("alice")).isEqualTo(1);
		ChargesService.gate("alice-1").countDown();
		assertThat(held.get(20, TimeUnit.SECONDS)).isEqualTo("alice");
		assertThat(next.get(20, TimeUnit.SECONDS)).isEqualTo("alice");
		assertThat(ChargesService.most("alice")).isEqualTo(1);
	}

	/** Many charges of few customers at once from 16 threads: never two of one customer together. */
	private static void aBurstNeverRunsTwoOfOneKey(Charges charges) throws Exception {
		List<CompletableFuture<String>> all = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			String customer = "burst-" + (i % 4);
			all.add(CompletableFuture.supplyAsync(() -> charges.charge(customer, null)));
		}
		for (CompletableFuture<String> call : all) {
			assertThat(call.get(30, TimeUnit.SECONDS)).startsWith("burst-");
		}
		for (int i = 0; i < 4; i++) {
			assertThat(ChargesService.most("burst-" + i)).as("burst-" + i).isEqualTo(1);
			assertThat(ChargesService.started("burst-" + i)).isEqualTo(10);
		}
	}

	@Test
	void inOneJvmAKeyAtItsLimitWaitsWhileOthersGoOn() throws Exception {
		ConfigurableApplicationContext app = run();
		Charges charges = app.getBean(Charges.class);
		aKeyAtItsLimitWaitsWhileOthersGoOn(charges);
		aBurstNeverRunsTwoOfOneKey(charges);
	}

	@Test
	void acrossWorkersSharingRedisAKeyAtItsLimitWaitsWhileOthersGoOn() throws Exception {
		redisWorker();
		ConfigurableApplicationContext other = redisWorker();
		Charges charges = other.getBean(Charges.class);
		aKeyAtItsLimitWaitsWhileOthersGoOn(charges);
		aBurstNeverRunsTwoOfOneKey(charges);
	}

	private ConfigurableApplicationContext postgresWorker(String prefix, String... more) {
		return run(SharedBackends.properties(SharedBackends.JDBC, prefix, more));
	}

	@Test
	void acrossWorkersSharingPostgresAKeyAtItsLimitWaitsWhileOthersGoOn() throws Exception {
		String prefix = SharedBackends.prefix();
		postgresWorker(prefix);
		ConfigurableApplicationContext other = postgresWorker(prefix);
		Charges charges = other.getBean(Charges.class);
		aKeyAtItsLimitWaitsWhileOthersGoOn(charges);
		aBurstNeverRunsTwoOfOneKey(charges);
	}

	@Test
	void onARedisClusterAKeyAtItsLimitWaitsWhileOthersGoOn() throws Exception {
		TestRedisTopology cluster = TestRedisTopology.cluster();
		// Closed after the applications, which would wait on a Cluster gone first.
		this.after.add(cluster);
		List<String> properties = new ArrayList<>(List.of(cluster.properties()));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=c"));
		run(properties.toArray(String[]::new));
		ConfigurableApplicationContext other = run(properties.toArray(String[]::new));
		aKeyAtItsLimitWaitsWhileOthersGoOn(other.getBean(Charges.class));
	}

	@Test
	void actuatorShowsTheCallsRunningByKey() throws Exception {
		for (ConfigurableApplicationContext app : List.of(run(), redisWorker())) {
			Charges charges = app.getBean(Charges.class);
			String gate = "dave-" + System.nanoTime();
			CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> charges.charge("dave", gate));
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(runningByKey(app)).containsEntry("dave", 1L));
			ChargesService.gate(gate).countDown();
			assertThat(held.get(20, TimeUnit.SECONDS)).isEqualTo("dave");
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(runningByKey(app)).doesNotContainKey("dave"));
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> runningByKey(ConfigurableApplicationContext app) {
		Map<String, Object> queues = (Map<String, Object>) app.getBean(ExecutionEndpoint.class).execution().get("queues");
		Map<String, Object> charges = (Map<String, Object>) queues.get("charges");
		Map<String, Object> limits = (Map<String, Object>) charges.get("limitsInUse");
		return (Map<String, Object>) limits.get("runningByKey");
	}

	/** Six charges of one customer at two starts a second: the last starts 2 s in; another customer's are not held back. */
	@Test
	void aPerKeyRateHoldsOneKeyBackNotTheOthers() throws Exception {
		String[] rate = { "execution.worker.limits.charges.per-key.starts=2",
				"execution.worker.limits.charges.per-key.per=1s" };
		String prefix = SharedBackends.prefix();
		// On PostgreSQL two workers share each key's bucket.
		postgresWorker(prefix, rate);
		for (ConfigurableApplicationContext app : List.of(run(rate), redisWorker(rate), postgresWorker(prefix, rate))) {
			Charges charges = app.getBean(Charges.class);
			String slow = "rated-" + System.nanoTime();
			long start = System.nanoTime();
			List<CompletableFuture<String>> held = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				held.add(CompletableFuture.supplyAsync(() -> charges.charge(slow, null)));
			}
			// Another customer's two charges (its own bucket) do not wait for the first one's.
			assertThat(charges.charge("other-" + start, null)).startsWith("other-");
			assertThat(charges.charge("other-" + start, null)).startsWith("other-");
			assertThat(ChargesService.started(slow)).as("the rated customer's charges still wait").isLessThan(6);
			for (CompletableFuture<String> call : held) {
				assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(slow);
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		}
	}

	@Test
	void aBadKeyFailsTheCallNamingTheParameterAndTwoKeysStopTheStart() {
		Charges charges = run().getBean(Charges.class);
		assertThatThrownBy(() -> charges.charge("bad\nkey", null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("@FairnessKey argument of charges.charge (parameter 0)")
			.hasMessageContaining("control characters");
		assertThatThrownBy(() -> charges.charge("x".repeat(201), null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("at most 200");
		assertThatThrownBy(() -> new SpringApplicationBuilder(TwoKeysApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.run()).hasStackTraceContaining(ExecutionDefinitionException.class.getName())
			.hasStackTraceContaining("@FairnessKey is on parameters 0 and 1 of twokeys.both");
		assertThatThrownBy(() -> run("execution.worker.limits.charges.per-key.max-concurrent=0"))
			.hasStackTraceContaining("limits[charges].perKey.maxConcurrent");
	}

}
