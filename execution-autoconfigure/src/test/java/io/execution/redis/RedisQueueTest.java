package io.execution.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.MayHaveRunException;
import io.execution.RemoteExecutionException;
import io.execution.actuate.ExecutionReport;
import io.execution.client.ExecutionClientFactory;
import io.execution.it.Lab;
import io.execution.it.LabService;
import io.execution.it.Sleeper;
import io.execution.it.SleeperService;
import io.execution.queue.redis.RedisQueueBackend;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Queue mode on the redis backend: callers and worker pools in separate application contexts
 * that share nothing but a real Redis.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class RedisQueueTest {

	private static TestRedis redis;

	private static RedisClient client;

	private static RedisCommands<String, String> commands;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void connect() {
		redis = TestRedis.shared();
		client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
		commands = client.connect().sync();
	}

	@AfterAll
	static void disconnect() {
		client.shutdown();
	}

	@org.junit.jupiter.api.AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(String prefix, boolean worker, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisApplication.class)
			.web(WebApplicationType.NONE)
			.properties(redis.properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + prefix, "execution.endpoints.ledger.queue=ledger",
					"execution.endpoints.lab.queue=lab", "execution.endpoints.sleeper.queue=sleeper",
					"execution.endpoints.sleeper.timeout=1s", "execution.worker.enabled=" + worker,
					"execution.worker.queues=ledger,lab,sleeper", "execution.worker.concurrency=4")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String prefix() {
		return "t" + Long.toHexString(System.nanoTime());
	}

	@Test
	void callsTravelThroughRedisToAWorkerInAnotherContext() throws Exception {
		String prefix = prefix();
		ConfigurableApplicationContext worker = start(prefix, true);
		ConfigurableApplicationContext caller = start(prefix, false);
		Lab lab = caller.getBean(Lab.class);
		assertThat(lab.echo("over redis")).isEqualTo("over redis");
		// Multi-byte characters and surrogate pairs: their encoded length is what Redis is told.
		String unicode = "héllo wörld ✓ 𝄞 🌍 " + "ü".repeat(5000);
		assertThat(lab.echo(unicode)).isEqualTo(unicode);
		assertThat(worker.getBean(LabService.class).echo("x")).isEqualTo("x");
		assertThat(lab.add(20, 22)).isEqualTo(42);
		Lab.Order order = new Lab.Order("o-1", List.of(new Lab.Line("a", 3, 2.0)), 0);
		assertThat(lab.price(order).total()).isEqualTo(6.0);
		assertThat(lab.echoAsync("async").get(5, TimeUnit.SECONDS)).isEqualTo("async");
		assertThat(lab.thread()).startsWith("execution-worker-lab-");
		assertThatThrownBy(() -> lab.fail("nope")).isInstanceOfSatisfying(RemoteExecutionException.class,
				(ex) -> assertThat(ex.getRemoteMessage()).isEqualTo("nope"));
		// Finished requests are deleted (just after their reply is sent); the stream keeps nothing.
		await().atMost(Duration.ofSeconds(2)).until(() -> commands.xlen(prefix + ":{q:lab}:requests") == 0);
		assertThat(commands.hlen(prefix + ":{q:lab}:attempts")).isZero();
		assertThat(commands.pttl(prefix + ":{q:lab}:requests")).isPositive();
	}

	@Test
	void whatAnAsynchronousCallerChainsRunsOffRedisIoThreadsSoItMayCallAgain() throws Exception {
		String prefix = prefix();
		start(prefix, true);
		Lab lab = start(prefix, false).getBean(Lab.class);
		// Replies complete calls on Lettuce's I/O threads; a continuation that blocked there (here
		// on a second call over the same connections) would stall every reply of the process.
		CompletableFuture<String> chained = lab.sleepAsync(200)
			.thenApply((slept) -> Thread.currentThread().getName() + " " + lab.echo("again"));
		assertThat(chained.get(10, TimeUnit.SECONDS)).startsWith("execution-redis-callbacks").endsWith(" again");
	}

	@Test
	void tenThousandCallsFromSixteenCallersAcrossTwoWorkersEachGetTheirOwnResult() throws Exception {
		String prefix = prefix();
		ConfigurableApplicationContext one = start(prefix, true);
		ConfigurableApplicationContext two = start(prefix, true);
		ConfigurableApplicationContext caller = start(prefix, false);
		Lab lab = caller.getBean(Lab.class);
		ExecutorService callers = Executors.newFixedThreadPool(16);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger mismatches = new AtomicInteger();
		List<CompletableFuture<Void>> runs = new ArrayList<>();
		for (int t = 0; t < 16; t++) {
			runs.add(CompletableFuture.runAsync(() -> {
				for (int i = next.getAndIncrement(); i < 10_000; i = next.getAndIncrement()) {
					if (!lab.echo("call-" + i).equals("call-" + i)) {
						mismatches.incrementAndGet();
					}
				}
			}, callers));
		}
		CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
		callers.shutdown();
		assertThat(mismatches.get()).isZero();
		long first = one.getBean(LabService.class).echoes().stream().filter((text) -> text.startsWith("call-")).count();
		long second = two.getBean(LabService.class).echoes().stream().filter((text) -> text.startsWith("call-")).count();
		assertThat(first + second).isEqualTo(10_000);
		assertThat(first).isPositive();
		assertThat(second).isPositive();
	}

	@Test
	void aRequestWhoseDeadlinePassedWhileNoWorkerWasThereIsNeverRun() throws Exception {
		String prefix = prefix();
		ConfigurableApplicationContext caller = start(prefix, false);
		Sleeper sleeper = caller.getBean(Sleeper.class);
		assertThatThrownBy(() -> sleeper.stamp("late").get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(ExecutionTimeoutException.class);
		ConfigurableApplicationContext worker = start(prefix, true);
		assertThat(sleeper.stamp("on-time").get(5, TimeUnit.SECONDS)).isEqualTo("on-time");
		assertThat(worker.getBean(SleeperService.class).stamps()).containsExactly("on-time");
	}

	@Test
	void malformedEntriesWrittenStraightIntoTheStreamBecomeDeadLettersAndThePoolKeepsServing() throws Exception {
		String prefix = prefix();
		start(prefix, true);
		Ledger ledger = start(prefix, false).getBean(Ledger.class);
		assertThat(ledger.write("before").get(5, TimeUnit.SECONDS)).isEqualTo("wrote before");
		String stream = prefix + ":{q:ledger}:requests";
		String replies = prefix + ":{c:someone}:replies";
		String body = "{\"v\":1,\"id\":\"x\",\"service\":\"ledger\",\"method\":\"write\",\"args\":[\"x\"]}";
		commands.xadd(stream, Map.of("id", "bad-deadline", "body", body, "reply", replies, "deadline", "soon"));
		commands.xadd(stream, Map.of("id", "foreign-reply", "body", body, "reply", "victim", "deadline", "0"));
		commands.xadd(stream, Map.of("id", "no-body", "reply", replies));
		assertThat(ledger.write("after").get(5, TimeUnit.SECONDS)).isEqualTo("wrote after");
		String dead = prefix + ":{q:ledger}:dead";
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(dead) == 3);
		assertThat(commands.xrange(dead, Range.create("-", "+")))
			.extracting((entry) -> entry.getBody().get("id") + ": " + entry.getBody().get("cause"))
			.containsExactlyInAnyOrder("bad-deadline: malformed entry: deadline 'soon' is not a number",
					"foreign-reply: malformed entry: reply key 'victim' is not a caller's reply list under prefix '"
							+ prefix + "'",
					"no-body: malformed entry: no body");
		assertThat(commands.exists("victim")).isZero();
		for (int i = 0; i < 20; i++) {
			assertThat(ledger.write("k" + i).get(5, TimeUnit.SECONDS)).isEqualTo("wrote k" + i);
		}
	}

	@Test
	void aWorkerShowsItsOwnQueuesInItsReportWithItsLiveWorkers() {
		ConfigurableApplicationContext worker = new SpringApplicationBuilder(RedisApplication.class)
			.web(WebApplicationType.NONE)
			.properties(redis.properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + prefix(), "execution.worker.enabled=true",
					"execution.worker.queues=solo")
			.run();
		this.contexts.add(worker);
		ExecutionReport report = worker.getBean(ExecutionReport.class);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(report.queues()).containsKey("solo")
				.extractingByKey("solo")
				.satisfies((queue) -> assertThat(((Map<?, ?>) queue).get("liveWorkers")).isEqualTo(1)));
	}

	@Test
	void theConsumersOfStoppedWorkersAreForgottenAndDeadLettersExpire() {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		// A worker that answered a request and stopped: a consumer holding nothing, idle from now on.
		String entry = commands.xadd(stream, Map.of("id", "answered"));
		commands.xreadgroup(Consumer.from("workers", "stopped-worker"), XReadArgs.Builder.count(1),
				XReadArgs.StreamOffset.lastConsumed(stream));
		commands.xack(stream, "workers", entry);
		commands.xdel(stream, entry);
		assertThat(commands.xinfoConsumers(stream, "workers")).hasSize(1);
		start(prefix, true, "execution.queue.redis.visibility-timeout=1s",
				"execution.queue.redis.dead-letter-retention=2d");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> commands.xinfoConsumers(stream, "workers")
				.stream()
				.noneMatch((consumer) -> String.valueOf(consumer).contains("stopped-worker")));
		commands.xadd(stream, Map.of("id", "no-body", "reply", prefix + ":{c:someone}:replies"));
		String dead = prefix + ":{q:ledger}:dead";
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(dead) == 1);
		assertThat(commands.pttl(dead)).isBetween(Duration.ofDays(1).toMillis(), Duration.ofDays(2).toMillis());
	}

	@Test
	void aCallerIsConnectedAndItsScriptsLoadedBeforeItsFirstCall() throws Exception {
		try (TestRedis own = TestRedis.startProcess()) {
			RedisClient direct = RedisClient.create("redis://" + own.host() + ":" + own.port());
			try {
				RedisCommands<String, String> redis = direct.connect().sync();
				assertThat(cachedScripts(redis)).isZero();
				long clients = redis.clientList().lines().count();
				start(prefix(), false, "spring.data.redis.port=" + own.port());
				// No call yet: the scripts a call runs are in Redis, and the connections are open.
				assertThat(cachedScripts(redis)).isGreaterThanOrEqualTo(4);
				assertThat(redis.clientList().lines().count()).isGreaterThanOrEqualTo(clients + 2);
			}
			finally {
				direct.shutdown();
			}
		}
	}

	private static long cachedScripts(RedisCommands<String, String> redis) {
		return redis.info("memory")
			.lines()
			.filter((line) -> line.startsWith("number_of_cached_scripts:"))
			.mapToLong((line) -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void applicationsWithDifferentJacksonSettingsReadEachOthersRecordsInRedis() throws Exception {
		String prefix = prefix();
		start(prefix, true, "spring.jackson.property-naming-strategy=SNAKE_CASE");
		ConfigurableApplicationContext caller = start(prefix, false);
		io.execution.registry.WorkerRegistry registry = caller.getBean(io.execution.registry.WorkerRegistry.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> !registry.workers().isEmpty());
		io.execution.registry.WorkerInfo worker = registry.workers().get(0);
		assertThat(worker.stale()).isFalse();
		assertThat(worker.pools()).extracting(io.execution.registry.WorkerInfo.Pool::queue).contains("ledger", "lab");
		// A record nobody can read (a producer's garbage) is left out, not the registry.
		commands.zadd(prefix + ":{workers}:all", System.currentTimeMillis(), "garbage");
		commands.set(prefix + ":{workers}:worker:garbage", "{\"pools\":7}");
		assertThat(registry.workers()).extracting(io.execution.registry.WorkerInfo::id).containsExactly(worker.id());
		// An execution the snake_case worker's application started, read by the default caller.
		io.execution.async.Execution<String> job = caller.getBean(io.execution.async.Executions.class)
			.start(() -> caller.getBean(Lab.class).echo("recorded"));
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo("recorded");
		assertThat(caller.getBean(io.execution.async.Executions.class).find(job.id()).orElseThrow().status())
			.isEqualTo(io.execution.async.ExecutionStatus.SUCCEEDED);
	}

	@Test
	void aCallToAQueueNoLiveWorkerServesTimesOutSayingSo() {
		Lab lab = start(prefix(), false, "execution.endpoints.lab.timeout=1s").getBean(Lab.class);
		assertThatThrownBy(() -> lab.echo("anyone?")).isInstanceOf(ExecutionTimeoutException.class)
			.hasMessageContaining("execution.endpoints.lab.timeout")
			.hasMessageContaining("no live worker serves queue 'lab'")
			.hasMessageContaining("execution.worker.queues");
	}

	@Test
	void aQueueNoLiveWorkerServesIsPassedOverInAFallbackChain() throws Exception {
		String prefix = prefix();
		ConfigurableApplicationContext caller = start(prefix, false, "execution.endpoints.ledger.timeout=20s",
				"execution.endpoints.ledger.fallback=ledger-local", "execution.endpoints.ledger-local.mode=local");
		Ledger ledger = caller.getBean(Ledger.class);
		long start = System.nanoTime();
		// Run by the local fallback, on the caller's thread: the queue was passed over, nothing was queued.
		assertThat(ledger.where()).isEqualTo(Thread.currentThread().getName());
		assertThat(ledger.write("k").get(5, TimeUnit.SECONDS)).isEqualTo("wrote k");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(commands.xlen(prefix + ":{q:ledger}:requests")).isZero();
		// A middle link too: http (down) -> queue (no worker) -> local.
		ConfigurableApplicationContext chained = start(prefix, false, "execution.endpoints.ledger.mode=http",
				"execution.endpoints.ledger.urls=http://localhost:1", "execution.endpoints.ledger.timeout=20s",
				"execution.endpoints.ledger.fallback=ledger-queue,ledger-local", "execution.endpoints.ledger-queue.queue=ledger",
				"execution.endpoints.ledger-local.mode=local", "execution.http.health-check.interval=0");
		assertThat(chained.getBean(Ledger.class).write("m").get(5, TimeUnit.SECONDS)).isEqualTo("wrote m");
		// Once a worker serves the queue, the chain stops there.
		start(prefix, true);
		await().atMost(Duration.ofSeconds(5)).until(() -> !ledger.where().equals(Thread.currentThread().getName()));
	}

	@Test
	void cancellingARunningCallInterruptsTheWorkerWithinASecond() throws Exception {
		String prefix = prefix();
		ConfigurableApplicationContext worker = start(prefix, true);
		ConfigurableApplicationContext caller = start(prefix, false, "execution.endpoints.sleeper.timeout=30s");
		SleeperService service = worker.getBean(SleeperService.class);
		CompletableFuture<String> call = caller.getBean(Sleeper.class).sleepAsync(20_000);
		assertThat(service.running().tryAcquire(5, TimeUnit.SECONDS)).isTrue();
		long cancelledAt = System.nanoTime();
		call.cancel(true);
		await().atMost(Duration.ofSeconds(2)).until(() -> service.interruptions() == 1);
		assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofMillis(1500));
	}

	/** The ledger queue's stream, with its consumer group made before any worker starts. */
	private static String ledgerStream(String prefix) {
		String stream = prefix + ":{q:ledger}:requests";
		commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers", XGroupCreateArgs.Builder.mkstream());
		return stream;
	}

	/**
	 * Plays a worker that takes the waiting requests and dies before answering (as after kill -9).
	 * @return how many it took
	 */
	private static int takeAndDie(String stream, int expected) {
		return takeAndDie(stream, expected, "killed-worker");
	}

	private static int takeAndDie(String stream, int expected, String worker) {
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(stream) == expected);
		return commands.xreadgroup(Consumer.from("workers", worker), XReadArgs.Builder.count(10),
				XReadArgs.StreamOffset.lastConsumed(stream)).size();
	}

	@Test
	void takenOverRequestsGoBeforeNewWorkOnASaturatedPool() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		Ledger ledger = start(prefix, false, "execution.endpoints.ledger.timeout=60s").getBean(Ledger.class);
		List<CompletableFuture<String>> orphans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			orphans.add(ledger.read("orphan-" + i));
		}
		assertThat(takeAndDie(stream, 3)).isEqualTo(3);
		List<CompletableFuture<String>> fresh = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			fresh.add(ledger.pause(50));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(stream) == 63);
		// One thread, saturated by the new requests: the orphans still go first once their lease is out.
		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s",
				"execution.worker.concurrency=1");
		for (CompletableFuture<String> call : orphans) {
			assertThat(call.get(30, TimeUnit.SECONDS)).startsWith("value of orphan-");
		}
		List<String> order = new ArrayList<>(worker.getBean(LedgerService.class).calls);
		int lastOrphan = order.lastIndexOf("read:orphan-0");
		lastOrphan = Math.max(lastOrphan, Math.max(order.indexOf("read:orphan-1"), order.indexOf("read:orphan-2")));
		long newBefore = order.subList(0, lastOrphan + 1).stream().filter("pause"::equals).count();
		// Their lease runs out about 1 s in, some 20 new calls of 50 ms later: not after the 60 new ones.
		assertThat(newBefore).isLessThan(40);
		for (CompletableFuture<String> call : fresh) {
			assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("paused");
		}
	}

	@Test
	void aCallAnsweredByAWorkerThatStoppedBeforeAcknowledgingIsAnsweredAgainNeverDeadLettered() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		Ledger ledger = start(prefix, false, "execution.endpoints.ledger.timeout=30s").getBean(Ledger.class);
		CompletableFuture<String> write = ledger.write("k");
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(stream) == 1);
		StoppedWorkers.answerAndStop(commands, prefix, "wrote k");
		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		assertThat(write.get(15, TimeUnit.SECONDS)).isEqualTo("wrote k");
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(stream) == 0);
		assertThat(worker.getBean(LedgerService.class).calls).isEmpty();
		assertThat(commands.exists(prefix + ":{q:ledger}:dead")).isZero();
		assertThat(commands.hlen(prefix + ":{q:ledger}:answered")).isZero();
	}

	@Test
	void aKilledWorkersCallsAreTakenOverWhenIdempotentAndFailClearlyOtherwise() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		ConfigurableApplicationContext caller = start(prefix, false, "execution.endpoints.ledger.timeout=30s");
		Ledger ledger = caller.getBean(Ledger.class);
		CompletableFuture<String> read = ledger.read("k1");
		CompletableFuture<String> write = ledger.write("k2");
		assertThat(takeAndDie(stream, 2)).isEqualTo(2);
		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		assertThat(read.get(15, TimeUnit.SECONDS)).isEqualTo("value of k1");
		assertThatThrownBy(() -> write.get(15, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MayHaveRunException.class)
			.hasMessageContaining("not @Idempotent");
		assertThat(worker.getBean(LedgerService.class).calls).containsExactly("read:k1");
		assertThat(worker.getBean(RedisQueueBackend.class).deadLetters("ledger")).isEqualTo(1);
		io.micrometer.core.instrument.MeterRegistry meters = worker.getBean(io.micrometer.core.instrument.MeterRegistry.class);
		assertThat(meters.counter("execution.redeliveries", "queue", "ledger").count()).isEqualTo(2);
		assertThat(meters.counter("execution.dead.letters", "queue", "ledger").count()).isEqualTo(1);
		assertThat(commands.xrange(prefix + ":{q:ledger}:dead", io.lettuce.core.Range.create("-", "+")).get(0).getBody())
			.containsEntry("cause", "worker stopped; not idempotent");
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(stream) == 0);
	}

	@Test
	void callsInALaneAreTakenOverFromAKilledWorkerAndTheirDeadLettersGoBackToTheirLane() throws Exception {
		String prefix = prefix();
		String base = prefix + ":{q:ledger}:";
		String laned = base + "laned";
		ledgerStream(prefix);
		commands.xgroupCreate(XReadArgs.StreamOffset.from(laned, "0"), "workers", XGroupCreateArgs.Builder.mkstream());
		Ledger ledger = start(prefix, false, "execution.endpoints.ledger.timeout=30s").getBean(Ledger.class);
		CompletableFuture<String> read = io.execution.CallScope.priority(3).call(() -> ledger.read("k1"));
		CompletableFuture<String> write = io.execution.CallScope.priority(3).call(() -> ledger.write("k2"));
		String lane = base + "lane:3:|";
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.llen(lane) == 2);
		// A worker takes both from their lane (as the take script moves them) and dies before answering.
		for (int i = 0; i < 2; i++) {
			String[] staged = commands.lpop(lane).split("\n", 5);
			commands.xadd(laned, Map.of("id", staged[3], "body", staged[4], "deadline", staged[0], "reply", staged[1],
					"idem", staged[2], "prio", "3", "lane", "|"));
		}
		commands.decrby(base + "staged", 2);
		assertThat(commands.xreadgroup(Consumer.from("workers", "killed-worker"), XReadArgs.Builder.count(10),
				XReadArgs.StreamOffset.lastConsumed(laned)))
			.hasSize(2);

		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		assertThat(read.get(15, TimeUnit.SECONDS)).isEqualTo("value of k1");
		assertThatThrownBy(() -> write.get(15, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MayHaveRunException.class)
			.hasMessageContaining("not @Idempotent");
		assertThat(worker.getBean(LedgerService.class).calls).containsExactly("read:k1");
		assertThat(commands.xrange(base + "dead", Range.create("-", "+")).get(0).getBody()).containsEntry("lane",
				"3\n|");

		// Requeued, the dead letter goes back to its lane, and the worker runs it from there.
		io.execution.queue.DeadLetters letters = worker.getBean(io.execution.queue.DeadLetters.class);
		String id = letters.list("ledger", 0, 10).get(0).id();
		letters.requeue("ledger", id, Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(10)).until(() -> worker.getBean(LedgerService.class).calls.contains("write:k2"));
		await().atMost(Duration.ofSeconds(5)).until(() -> commands.xlen(laned) == 0);
		assertThat(commands.exists(base + "levels")).isZero();
	}

	@Test
	void aLiveWorkersCallIsNotTakenOverWhileItsRenewalIsLateOnlyOnceTheWorkerStops() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		Ledger ledger = start(prefix, false, "execution.endpoints.ledger.timeout=30s").getBean(Ledger.class);
		CompletableFuture<String> write = ledger.write("k");
		CompletableFuture<String> read = ledger.read("other");
		// A worker takes both; it is alive (it renews the lease of the read) but the write's renewal
		// is late, as when a worker is busy reconnecting.
		Consumer<String> late = Consumer.from("workers", "late-worker");
		assertThat(takeAndDie(stream, 2, "late-worker")).isEqualTo(2);
		long taken = System.nanoTime();
		String writeEntry = entryOf(stream, "write");
		String readEntry = entryOf(stream, "read");
		java.util.concurrent.ScheduledExecutorService renewing = Executors.newSingleThreadScheduledExecutor();
		renewing.scheduleAtFixedRate(() -> commands.xclaim(stream, late,
				io.lettuce.core.XClaimArgs.Builder.minIdleTime(0).justid(), readEntry), 0, 200, TimeUnit.MILLISECONDS);
		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=4s");
		// Past its visibility timeout, the write stays with the live worker until it has gone
		// unrenewed three visibility timeouts (12 s from when it was taken). The look counts from
		// the take, not from the worker's start, which a busy machine slows down by seconds: the
		// worker, which looks for requests to take over as it starts and every second, is watched
		// for at least two seconds.
		long lookUntil = taken + TimeUnit.MILLISECONDS.toNanos(11_000);
		assertThat(System.nanoTime() - taken).as("the worker started within the window the test can look in")
			.isLessThan(TimeUnit.SECONDS.toNanos(9));
		Duration look = Duration.ofNanos(lookUntil - System.nanoTime());
		await().during(look).atMost(look.plusSeconds(2)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			assertThat(write).isNotDone();
			assertThat(owner(stream, writeEntry)).isEqualTo("late-worker");
		});
		renewing.shutdown();
		assertThat(renewing.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		// A worker that stopped: both are taken over, the write refused, the read run again.
		assertThatThrownBy(() -> write.get(15, TimeUnit.SECONDS)).cause().isInstanceOf(MayHaveRunException.class);
		assertThat(read.get(15, TimeUnit.SECONDS)).isEqualTo("value of other");
		assertThat(worker.getBean(LedgerService.class).calls).containsExactly("read:other");
	}

	@Test
	void aQueueNoLiveWorkerServesIsSaidAtTheFirstCallAndFailsAtOnceWhenAskedTo(
			org.springframework.boot.test.system.CapturedOutput output) {
		String prefix = prefix();
		Ledger waiting = start(prefix, false, "execution.endpoints.ledger.timeout=500ms").getBean(Ledger.class);
		assertThatThrownBy(() -> waiting.write("w").get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(io.execution.ExecutionTimeoutException.class);
		assertThat(output).contains("Endpoint 'ledger': no live worker serves queue 'ledger'")
			.contains("set execution.endpoints.ledger.when-unserved=fail");

		Ledger failing = start(prefix, false, "execution.endpoints.ledger.when-unserved=fail").getBean(Ledger.class);
		long start = System.nanoTime();
		assertThatThrownBy(() -> failing.write("f").get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("no live worker serves queue 'ledger'");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		// Served again: the call goes through.
		start(prefix, true);
		await().atMost(Duration.ofSeconds(15)).untilAsserted(
				() -> assertThat(failing.write("served").get(10, TimeUnit.SECONDS)).isEqualTo("wrote served"));
	}

	@Test
	void aLiveWorkersLongCallIsNotTakenOverWhileTheMachineIsStarved() throws Exception {
		String prefix = prefix();
		// Two workers that could each take the other's call, with a visibility timeout a fifth of the call.
		ConfigurableApplicationContext first = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		ConfigurableApplicationContext second = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		Ledger ledger = start(prefix, false, "execution.endpoints.ledger.timeout=60s").getBean(Ledger.class);
		assertThat(ledger.read("warm").get(10, TimeUnit.SECONDS)).isEqualTo("value of warm");
		// Busy threads of the test's own, four per core, until the call is over (at most 30 s).
		java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		List<Thread> hogs = new ArrayList<>();
		for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
			Thread hog = new Thread(() -> {
				long spins = 0;
				while (busy.get() && System.nanoTime() - until < 0) {
					spins++;
				}
				if (spins == -1) {
					System.out.println(spins);
				}
			}, "cpu-hog-" + i);
			hog.setDaemon(true);
			hog.start();
			hogs.add(hog);
		}
		try {
			// Five visibility timeouts of a non-idempotent call on a starved machine: it runs once,
			// on the worker that took it, and answers.
			assertThat(ledger.pause(5_000).get(40, TimeUnit.SECONDS)).isEqualTo("paused");
		}
		finally {
			busy.set(false);
			for (Thread hog : hogs) {
				hog.join(5_000);
			}
		}
		List<String> ran = new ArrayList<>(first.getBean(LedgerService.class).calls);
		ran.addAll(second.getBean(LedgerService.class).calls);
		assertThat(ran).containsOnlyOnce("pause");
	}

	private static String entryOf(String stream, String method) {
		return commands.xrange(stream, Range.create("-", "+"))
			.stream()
			.filter((entry) -> entry.getBody().get("body").contains("\"method\":\"" + method + "\""))
			.findFirst()
			.orElseThrow()
			.getId();
	}

	private static String owner(String stream, String entry) {
		return commands.xpending(stream, "workers", Range.create(entry, entry), io.lettuce.core.Limit.from(1))
			.get(0)
			.getConsumer();
	}

	@Test
	void lettuceReconnectsWithinTheReconnectDelaySoWorkersRenewTheirLeasesSoonAfterRedisReturns() {
		ConfigurableApplicationContext worker = start(prefix(), true);
		io.lettuce.core.resource.Delay delay = worker.getBean(io.lettuce.core.resource.ClientResources.class)
			.reconnectDelay();
		// Lettuce's own default waits up to 30 s by the fifteenth attempt.
		assertThat(delay.createDelay(15)).isEqualTo(Duration.ofSeconds(1));
		assertThat(delay.createDelay(1)).isLessThan(Duration.ofMillis(10));
		Duration most = start(prefix(), true, "execution.queue.redis.reconnect-delay=200ms")
			.getBean(io.lettuce.core.resource.ClientResources.class)
			.reconnectDelay()
			.createDelay(30);
		assertThat(most).isEqualTo(Duration.ofMillis(200));
		assertThatThrownBy(() -> start(prefix(), true, "execution.queue.redis.reconnect-delay=0s"))
			.hasStackTraceContaining("redis.reconnectDelay")
			.hasStackTraceContaining("must be longer than zero");
	}

	private static String owner(String stream) {
		List<io.lettuce.core.models.stream.PendingMessage> pending = commands.xpending(stream, "workers",
				Range.create("-", "+"), io.lettuce.core.Limit.from(10));
		return (pending.size() == 1) ? pending.get(0).getConsumer() : String.valueOf(pending);
	}

	@Test
	void anExecutionWhoseRequestBecomesADeadLetterEndsFailedWhenItsCallerIsGone() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		ConfigurableApplicationContext caller = start(prefix, false, "execution.endpoints.ledger.timeout=30s");
		Ledger ledger = caller.getBean(Ledger.class);
		io.execution.async.Execution<String> job = caller.getBean(io.execution.async.Executions.class)
			.startAsync(() -> ledger.write("k9"));
		assertThat(takeAndDie(stream, 1)).isEqualTo(1);
		caller.close();

		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s");
		io.execution.async.Executions executions = worker.getBean(io.execution.async.Executions.class);

		await().atMost(Duration.ofSeconds(15))
			.until(() -> executions.find(job.id()).orElseThrow().status() == io.execution.async.ExecutionStatus.FAILED);
		assertThat(executions.find(job.id()).orElseThrow().record().error().message()).contains("dead letter")
			.contains("not idempotent");
		assertThat(worker.getBean(LedgerService.class).calls).isEmpty();
	}

	@Test
	void aCallTakenOverTooOftenBecomesADeadLetter() throws Exception {
		String prefix = prefix();
		String stream = ledgerStream(prefix);
		ConfigurableApplicationContext caller = start(prefix, false, "execution.endpoints.ledger.timeout=30s");
		CompletableFuture<String> read = caller.getBean(Ledger.class).read("k3");
		assertThat(takeAndDie(stream, 1)).isEqualTo(1);
		ConfigurableApplicationContext worker = start(prefix, true, "execution.queue.redis.visibility-timeout=1s",
				"execution.queue.redis.max-deliveries=1");
		assertThatThrownBy(() -> read.get(15, TimeUnit.SECONDS)).cause().hasMessageContaining("dead letter");
		assertThat(worker.getBean(LedgerService.class).calls).isEmpty();
	}

	@Test
	void callersWaitAcrossARestartOfARedisThatPersists() throws Exception {
		try (TestRedis own = TestRedis.startProcess("--appendonly", "yes", "--appendfsync", "always")) {
			String prefix = prefix();
			String[] at = { "spring.data.redis.port=" + own.port(), "execution.endpoints.ledger.timeout=60s" };
			ConfigurableApplicationContext caller = start(prefix, false, at);
			Ledger ledger = caller.getBean(Ledger.class);
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				calls.add(ledger.read("r" + i));
			}
			RedisClient ownClient = RedisClient.create("redis://127.0.0.1:" + own.port());
			try {
				await().atMost(Duration.ofSeconds(5))
					.until(() -> ownClient.connect().sync().xlen(prefix + ":{q:ledger}:requests") == 20);
			}
			finally {
				ownClient.shutdown();
			}
			own.kill();
			own.restart();
			ConfigurableApplicationContext worker = start(prefix, true, at);
			for (int i = 0; i < 20; i++) {
				assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("value of r" + i);
			}
			assertThat(worker.getBean(LedgerService.class).calls).hasSize(20);
			// New calls work on the restarted Redis too.
			assertThat(ledger.read("after").get(10, TimeUnit.SECONDS)).isEqualTo("value of after");
		}
	}

	@Test
	void applicationsStartedBeforeRedisIsUpRejectCallsClearlyThenWorkOnceRedisComes() throws Exception {
		try (TestRedis own = TestRedis.startProcess()) {
			String prefix = prefix();
			String[] at = { "spring.data.redis.port=" + own.port() };
			own.kill();
			ConfigurableApplicationContext worker = start(prefix, true, at);
			ConfigurableApplicationContext caller = start(prefix, false, at);
			Lab lab = caller.getBean(Lab.class);
			assertThatThrownBy(() -> lab.echo("early")).isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("cannot connect to Redis");
			// Starting an execution writes its record first: refused the same way, never with a Lettuce exception.
			assertThatThrownBy(() -> caller.getBean(io.execution.async.Executions.class).start(() -> lab.echo("job")))
				.isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("spring.data.redis");
			own.restart();
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "late".equals(lab.echo("late")));
			assertThat(worker.getBean(LabService.class).echoes()).contains("late");
		}
	}

	@Test
	void whenRedisIsGoneCallersFailWithinTheirDeadlineAndRecoverWhenItReturns() throws Exception {
		try (TestRedis own = TestRedis.startProcess()) {
			String prefix = prefix();
			String[] at = { "spring.data.redis.port=" + own.port(), "execution.endpoints.lab.timeout=1s" };
			ConfigurableApplicationContext worker = start(prefix, true, at);
			ConfigurableApplicationContext caller = start(prefix, false, at);
			Lab lab = caller.getBean(Lab.class);
			assertThat(lab.echo("before")).isEqualTo("before");
			own.kill();
			long start = System.nanoTime();
			assertThatThrownBy(() -> lab.echo("during")).isInstanceOf(ExecutionException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			own.restart();
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "after".equals(lab.echo("after")));
			assertThat(worker.getBean(LabService.class).echoes()).contains("before", "after");
		}
	}

}
