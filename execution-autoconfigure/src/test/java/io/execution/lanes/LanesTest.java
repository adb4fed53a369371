package io.execution.lanes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.execution.CallScope;
import io.execution.actuate.ExecutionReport;
import io.execution.ExecutionRejectedException;
import io.execution.async.Executions;
import io.execution.queue.LaneDepth;
import io.execution.queue.QueueBackend;
import io.execution.redis.TestRedis;
import io.execution.redis.TestRedisTopology;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Lanes of a queue, end to end on the memory backend, on Redis and on a Redis Cluster: higher
 * priority taken first by a saturated pool; fairness keys taken in turn, by weight, so a bursty
 * key does not hold a quiet one back; calls requiring worker tags taken only by workers that
 * advertise them (a non-matching pool idle beside them), and failing at once, naming the
 * requirement, when no live worker has them.
 */
class LanesTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final String prefix = "lanes" + UUID.randomUUID();

	@BeforeEach
	void reset() {
		GradedService.reset();
	}

	@AfterEach
	void close() throws Exception {
		GradedService.release.countDown();
		this.contexts.forEach(ConfigurableApplicationContext::close);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	private ConfigurableApplicationContext run(List<String> base, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(GradedApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.graded.queue=graded",
					"execution.endpoints.graded.timeout=30s")
			.properties(base.toArray(String[]::new))
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static List<String> memory() {
		return List.of();
	}

	private List<String> redis(String... topology) {
		List<String> properties = new ArrayList<>(List.of(topology));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + this.prefix));
		return properties;
	}

	/** PostgreSQL, this test's own tables. */
	private List<String> jdbc() {
		return List.of(io.execution.fixtures.SharedBackends.properties(io.execution.fixtures.SharedBackends.JDBC,
				this.jdbcPrefix));
	}

	private final String jdbcPrefix = io.execution.fixtures.SharedBackends.prefix();

	private ConfigurableApplicationContext worker(List<String> base, String... more) {
		List<String> properties = new ArrayList<>(List.of("execution.worker.enabled=true",
				"execution.worker.queues=graded", "execution.worker.concurrency=1"));
		properties.addAll(List.of(more));
		return run(base, properties.toArray(String[]::new));
	}

	/** Holds the only worker thread with a call, then queues the rest and lets it go. */
	private static List<String> saturatedThenReleased(ConfigurableApplicationContext app, Runnable queueTheRest,
			int staged) throws Exception {
		Graded graded = app.getBean(Graded.class);
		QueueBackend backend = app.getBean(QueueBackend.class);
		CompletableFuture<String> blocker = CallScope.fairnessKey("blocker").call(() -> graded.run("block"));
		assertThat(GradedService.blocking.await(20, TimeUnit.SECONDS)).as("the worker took the blocking call").isTrue();
		queueTheRest.run();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> backend.state("graded").lanes().stream().mapToLong(LaneDepth::depth).sum() >= staged);
		GradedService.release.countDown();
		assertThat(blocker.get(20, TimeUnit.SECONDS)).isEqualTo("block");
		return GradedService.started;
	}

	private static List<CompletableFuture<String>> calls(Graded graded, String label, int count,
			Supplier<CallScope> scope) {
		List<CompletableFuture<String>> calls = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String name = label + i;
			calls.add((scope != null) ? scope.get().call(() -> graded.run(name)) : graded.run(name));
		}
		return calls;
	}

	private static void awaitAll(List<CompletableFuture<String>> calls) throws Exception {
		for (CompletableFuture<String> call : calls) {
			call.get(30, TimeUnit.SECONDS);
		}
	}

	// Priority

	private void higherPriorityIsTakenFirst(ConfigurableApplicationContext app) throws Exception {
		Graded graded = app.getBean(Graded.class);
		QueueBackend backend = app.getBean(QueueBackend.class);
		List<CompletableFuture<String>> all = new ArrayList<>();
		List<String> order = saturatedThenReleased(app, () -> {
			all.addAll(calls(graded, "plain", 3, null));
			// The plain calls are on the queue before any other is sent.
			await().atMost(Duration.ofSeconds(10)).until(() -> backend.state("graded").depth() >= 3);
			all.addAll(calls(graded, "low", 3, () -> CallScope.priority(-5)));
			all.addAll(calls(graded, "high", 3, () -> CallScope.priority(10)));
			all.addAll(calls(graded, "mid", 2, () -> CallScope.priority(5)));
		}, 8);
		awaitAll(all);
		assertThat(order).containsExactly("high0", "high1", "high2", "mid0", "mid1", "plain0", "plain1", "plain2",
				"low0", "low1", "low2");
	}

	/**
	 * The strict order holds within the aging period: on a busy machine the blocked worker may
	 * wait longer than the default 5 s before it is released, and then the aging rightly serves
	 * the level that waited (it has a test of its own), so these tests set a long one.
	 */
	private static final String NO_AGING = "execution.worker.priority-aging=1h";

	@Test
	void inMemoryHigherPriorityIsTakenFirst() throws Exception {
		higherPriorityIsTakenFirst(worker(memory(), NO_AGING));
	}

	@Test
	void onRedisHigherPriorityIsTakenFirst() throws Exception {
		higherPriorityIsTakenFirst(worker(redis(TestRedis.shared().properties()), NO_AGING));
	}

	@Test
	void onPostgresHigherPriorityIsTakenFirst() throws Exception {
		higherPriorityIsTakenFirst(worker(jdbc(), NO_AGING));
	}

	@Test
	void onARedisClusterPriorityFairnessAndRequirementsHold() throws Exception {
		TestRedisTopology cluster = TestRedisTopology.cluster();
		this.closeables.add(cluster);
		ConfigurableApplicationContext plain = worker(redis(cluster.properties()), "worker.name=plain",
				"execution.worker.weights.graded.tenant-big=2", NO_AGING);
		higherPriorityIsTakenFirst(plain);
		GradedService.reset();
		aBurstyKeyDoesNotHoldAQuietOneBack(plain);
		worker(redis(cluster.properties()), "worker.name=gpu", "execution.worker.tags.gpu=true");
		Graded graded = run(redis(cluster.properties()), "execution.endpoints.graded.requires.gpu=true")
			.getBean(Graded.class);
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> graded.where().equals("gpu"));
		for (int i = 0; i < 5; i++) {
			assertThat(graded.where()).isEqualTo("gpu");
		}
	}

	@Test
	void inMemoryALanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun() throws Exception {
		aLanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun(worker(memory(), NO_AGING));
	}

	@Test
	void onRedisALanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun() throws Exception {
		aLanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun(worker(redis(TestRedis.shared().properties()), NO_AGING));
	}

	@Test
	void onPostgresALanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun() throws Exception {
		aLanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun(worker(jdbc(), NO_AGING));
	}

	/** The caller cancels a call waiting in its lane: no worker runs it, and its lane empties. */
	private void aLanedCallCancelledBeforeAWorkerTookItIsDroppedUnrun(ConfigurableApplicationContext app)
			throws Exception {
		Graded graded = app.getBean(Graded.class);
		QueueBackend backend = app.getBean(QueueBackend.class);
		CompletableFuture<String> blocker = CallScope.fairnessKey("blocker").call(() -> graded.run("block"));
		assertThat(GradedService.blocking.await(20, TimeUnit.SECONDS)).as("the worker took the blocking call").isTrue();
		// Staged in a lane behind the blocking call, well within its deadline, then cancelled: it is marked.
		CompletableFuture<String> cancelled = CallScope.priority(5).call(() -> graded.run("cancelled"));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> backend.state("graded").lanes().stream().mapToLong(LaneDepth::depth).sum() >= 1);
		assertThat(cancelled.cancel(true)).isTrue();
		// A plain call, taken after the higher priority: the worker passes the marked one on its way.
		CompletableFuture<String> after = graded.run("after");
		GradedService.release.countDown();
		assertThat(blocker.get(20, TimeUnit.SECONDS)).isEqualTo("block");
		assertThat(after.get(20, TimeUnit.SECONDS)).isEqualTo("after");
		assertThat(GradedService.started).containsExactly("after");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> backend.state("graded").lanes().stream().mapToLong(LaneDepth::depth).sum() == 0);
	}

	@Test
	void theEndpointsPrioritySetsItsCallsAndAScopeOverridesIt() throws Exception {
		ConfigurableApplicationContext app = worker(memory(), "execution.endpoints.graded.priority=7");
		Graded graded = app.getBean(Graded.class);
		List<CompletableFuture<String>> all = new ArrayList<>();
		List<String> order = saturatedThenReleased(app, () -> {
			all.addAll(calls(graded, "scoped-low", 2, () -> CallScope.priority(1)));
			all.addAll(calls(graded, "endpoint", 2, null));
			all.addAll(calls(graded, "scoped-high", 2, () -> CallScope.priority(9)));
		}, 6);
		awaitAll(all);
		assertThat(order).containsExactly("scoped-high0", "scoped-high1", "endpoint0", "endpoint1", "scoped-low0",
				"scoped-low1");
	}

	@Test
	void inMemoryALowerPriorityIsServedOnceItsLevelWaitedThroughTheAging() throws Exception {
		aLowerPriorityIsServedOnceItsLevelWaitedThroughTheAging(worker(memory(), "execution.worker.priority-aging=200ms"));
	}

	@Test
	void onRedisALowerPriorityIsServedOnceItsLevelWaitedThroughTheAging() throws Exception {
		aLowerPriorityIsServedOnceItsLevelWaitedThroughTheAging(
				worker(redis(TestRedis.shared().properties()), "execution.worker.priority-aging=200ms"));
	}

	@Test
	void onPostgresALowerPriorityIsServedOnceItsLevelWaitedThroughTheAging() throws Exception {
		aLowerPriorityIsServedOnceItsLevelWaitedThroughTheAging(worker(jdbc(), "execution.worker.priority-aging=200ms"));
	}

	@Test
	void onPostgresTheAgingServesAWaitingKeyedLevelToo() throws Exception {
		aLowerPriorityIsServedOnceItsLevelWaitedThroughTheAging(worker(jdbc(), "execution.worker.priority-aging=200ms",
				"execution.worker.limits.graded.per-key.max-concurrent=5"));
	}

	@Test
	void inMemoryAnIdleSpellDoesNotCountAsWaiting() throws Exception {
		anIdleSpellDoesNotCountAsWaiting(worker(memory(), "execution.worker.priority-aging=" + IDLE_AGING));
	}

	@Test
	void onRedisAnIdleSpellDoesNotCountAsWaiting() throws Exception {
		anIdleSpellDoesNotCountAsWaiting(
				worker(redis(TestRedis.shared().properties()), "execution.worker.priority-aging=" + IDLE_AGING));
	}

	@Test
	void onPostgresAnIdleSpellDoesNotCountAsWaiting() throws Exception {
		anIdleSpellDoesNotCountAsWaiting(worker(jdbc(), "execution.worker.priority-aging=" + IDLE_AGING));
	}

	/**
	 * The aging period of the idle-spell tests: longer than the burst after the spell takes to be
	 * served (on PostgreSQL beside two busy loops it took over 1 s, and the plain call was then
	 * rightly served by aging), shorter than the spell.
	 */
	private static final String IDLE_AGING = "4s";

	/**
	 * Aging counts the time a level's calls waited, not the time the queue stood idle: after a
	 * quiet spell longer than the aging period, a plain call queued a moment before higher ones
	 * still comes after them.
	 */
	private void anIdleSpellDoesNotCountAsWaiting(ConfigurableApplicationContext app) throws Exception {
		Graded graded = app.getBean(Graded.class);
		QueueBackend backend = app.getBean(QueueBackend.class);
		// Calls at priority 0 (one plain, one with a fairness key), then the queue stands idle for
		// longer than the aging period.
		graded.run("warm").get(20, TimeUnit.SECONDS);
		CallScope.fairnessKey("tenant").call(() -> graded.run("warm-keyed")).get(20, TimeUnit.SECONDS);
		// An idle spell longer than the aging: nothing waits on the queue for 4.5 s.
		await().during(Duration.ofMillis(4500)).atMost(Duration.ofSeconds(15))
			.until(() -> backend.state("graded").depth() == 0);
		GradedService.started.clear();
		// A plain call holds the only worker thread (no lane is touched before the burst).
		CompletableFuture<String> blocker = graded.run("block");
		assertThat(GradedService.blocking.await(20, TimeUnit.SECONDS)).as("the worker took the blocking call").isTrue();
		List<CompletableFuture<String>> all = new ArrayList<>(calls(graded, "plain", 1, null));
		await().atMost(Duration.ofSeconds(10)).until(() -> backend.state("graded").depth() >= 1);
		all.addAll(calls(graded, "high", 2, () -> CallScope.priority(10)));
		all.addAll(calls(graded, "mid", 2, () -> CallScope.priority(5)));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> backend.state("graded").lanes().stream().mapToLong(LaneDepth::depth).sum() >= 4);
		GradedService.release.countDown();
		assertThat(blocker.get(20, TimeUnit.SECONDS)).isEqualTo("block");
		awaitAll(all);
		assertThat(GradedService.started).containsExactly("high0", "high1", "mid0", "mid1", "plain0");
	}

	private void aLowerPriorityIsServedOnceItsLevelWaitedThroughTheAging(ConfigurableApplicationContext app)
			throws Exception {
		Graded graded = app.getBean(Graded.class);
		List<CompletableFuture<String>> all = new ArrayList<>();
		List<String> order = saturatedThenReleased(app, () -> {
			all.addAll(calls(graded, "low", 1, () -> CallScope.priority(-1)));
			all.addAll(calls(graded, "high", 3, () -> CallScope.priority(10)));
			try {
				// What is tested is time passing: the low level waits longer than the aging period.
				Thread.sleep(400);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, 4);
		awaitAll(all);
		assertThat(order).containsExactly("low0", "high0", "high1", "high2");
	}

	@Test
	void aScopeRejectsWhatCannotBeAPriorityOrAKey() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> CallScope.priority(101))
			.withMessageContaining("-100 to 100");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> CallScope.fairnessKey(" "))
			.withMessageContaining("blank");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> CallScope.fairnessKey("a\nb"))
			.withMessageContaining("control characters");
		assertThat(CallScope.priority(3).withFairnessKey("t").call(
				() -> CallScope.fairnessKey("u").call(() -> CallScope.current().getPriority() + CallScope.current().getFairnessKey())))
			.as("an inner scope keeps the outer priority").isEqualTo("3u");
		assertThat(CallScope.current()).isNull();
	}

	// Fairness

	private void aBurstyKeyDoesNotHoldAQuietOneBack(ConfigurableApplicationContext app) throws Exception {
		Graded graded = app.getBean(Graded.class);
		List<CompletableFuture<String>> all = new ArrayList<>();
		List<String> order = saturatedThenReleased(app, () -> {
			all.addAll(calls(graded, "big", 12, () -> CallScope.fairnessKey("tenant-big")));
			all.addAll(calls(graded, "small", 3, () -> CallScope.fairnessKey("tenant-small")));
		}, 15);
		awaitAll(all);
		// tenant-big weighs 2: two of its calls per turn, one of tenant-small's.
		assertThat(order.subList(0, 9)).containsExactly("big0", "big1", "small0", "big2", "big3", "small1", "big4",
				"big5", "small2");
		assertThat(order).hasSize(15);
	}

	@Test
	void inMemoryABurstyKeyDoesNotHoldAQuietOneBack() throws Exception {
		aBurstyKeyDoesNotHoldAQuietOneBack(worker(memory(), "execution.worker.weights.graded.tenant-big=2"));
	}

	@Test
	void onRedisABurstyKeyDoesNotHoldAQuietOneBack() throws Exception {
		aBurstyKeyDoesNotHoldAQuietOneBack(
				worker(redis(TestRedis.shared().properties()), "execution.worker.weights.graded.tenant-big=2"));
	}

	@Test
	void onPostgresABurstyKeyDoesNotHoldAQuietOneBack() throws Exception {
		aBurstyKeyDoesNotHoldAQuietOneBack(worker(jdbc(), "execution.worker.weights.graded.tenant-big=2"));
	}

	@Test
	void theQueueShowsItsLanes() throws Exception {
		theQueueShowsItsLanes(worker(memory()));
	}

	@Test
	void onPostgresTheQueueShowsItsLanes() throws Exception {
		theQueueShowsItsLanes(worker(jdbc()));
	}

	private void theQueueShowsItsLanes(ConfigurableApplicationContext app) throws Exception {
		Graded graded = app.getBean(Graded.class);
		QueueBackend backend = app.getBean(QueueBackend.class);
		List<CompletableFuture<String>> all = new ArrayList<>();
		saturatedThenReleasedAfter(app, () -> {
			all.addAll(calls(graded, "a", 2, () -> CallScope.priority(4).withFairnessKey("acme")));
			all.addAll(calls(graded, "b", 1, () -> CallScope.fairnessKey("globex")));
		}, () -> {
			assertThat(backend.state("graded").lanes()).containsExactlyInAnyOrder(new LaneDepth(4, "acme", "", 2),
					new LaneDepth(0, "globex", "", 1));
			assertThat(app.getBean(ExecutionReport.class).queue("graded")).extractingByKey("lanes")
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.contains(Map.of("priority", 4, "fairnessKey", "acme", "depth", 2L));
		});
		awaitAll(all);
	}

	private static void saturatedThenReleasedAfter(ConfigurableApplicationContext app, Runnable queue, Runnable check)
			throws Exception {
		Graded graded = app.getBean(Graded.class);
		CompletableFuture<String> blocker = graded.run("block");
		assertThat(GradedService.blocking.await(20, TimeUnit.SECONDS)).isTrue();
		queue.run();
		check.run();
		GradedService.release.countDown();
		blocker.get(20, TimeUnit.SECONDS);
	}

	// Requirements

	@Test
	void inMemoryACallRequiringTagsTheWorkersLackFailsAtOnce() {
		Graded matching = worker(memory(), "execution.worker.tags.gpu=true", "worker.name=gpu",
				"execution.endpoints.graded.requires.gpu=true")
			.getBean(Graded.class);
		assertThat(matching.where()).isEqualTo("gpu");
		Graded lacking = worker(memory(), "execution.worker.tags.region=eu", "execution.endpoints.graded.requires.gpu=true")
			.getBean(Graded.class);
		long start = System.nanoTime();
		assertThatExceptionOfType(ExecutionRejectedException.class).isThrownBy(lacking::where)
			.withMessageContaining("gpu=true")
			.withMessageContaining("execution.worker.tags");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void onRedisOnlyWorkersWithTheRequiredTagsTakeTheCallsAndOthersFailAtOnce() throws Exception {
		List<String> redis = redis(TestRedis.shared().properties());
		worker(redis, "worker.name=cpu", "execution.worker.concurrency=4");
		worker(redis, "worker.name=gpu", "execution.worker.tags.gpu=true", "execution.worker.tags.vram=24g");
		ConfigurableApplicationContext caller = run(redis, "execution.endpoints.graded.requires.gpu=true");
		Graded graded = caller.getBean(Graded.class);
		List<CompletableFuture<String>> where = IntStream.range(0, 12)
			.mapToObj((i) -> CompletableFuture.supplyAsync(graded::where))
			.toList();
		for (CompletableFuture<String> call : where) {
			assertThat(call.get(30, TimeUnit.SECONDS)).as("the cpu pool beside it never takes them").isEqualTo("gpu");
		}
		// The Actuator report names the workers that meet the requirement.
		Map<String, Object> queue = caller.getBean(ExecutionReport.class).queue("graded");
		assertThat(queue).extractingByKey("requirements")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.extractingByKey("gpu=true")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("endpoint", "graded")
			.extractingByKey("matchingWorkers")
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.hasSize(1);
		// A scheduled call joins its lane when due: the gpu worker runs it too.
		Executions executions = caller.getBean(Executions.class);
		assertThat(executions.startAfter(Duration.ofMillis(200), graded::where).await(Duration.ofSeconds(20)))
			.isEqualTo("gpu");

		Graded tpu = run(redis, "execution.endpoints.graded.requires.tpu=v5").getBean(Graded.class);
		long start = System.nanoTime();
		assertThatExceptionOfType(ExecutionRejectedException.class).isThrownBy(tpu::where)
			.withMessageContaining("tpu=v5")
			.withMessageContaining("2 live worker(s) serve it");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aPriorityOnAnEndpointThatIsNotQueuedFailsTheStartNamingTheProperty() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> new SpringApplicationBuilder(GradedApplication.class).web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "execution.endpoints.graded.mode=local",
						"execution.endpoints.graded.priority=5")
				.run())
			.satisfies((ex) -> assertThat(ex).rootCause()
				.hasMessageContaining("priority")
				.hasMessageContaining("execution.endpoints.graded.queue"));
	}

	@Test
	void aRequirementThatCannotBeWrittenFailsTheStartNamingTheProperty() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> run(memory(), "execution.endpoints.graded.requires.gpu=yes please"))
			.satisfies((ex) -> assertThat(ex).rootCause().hasMessageContaining("requires"));
	}

}
