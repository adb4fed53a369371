package io.execution.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionTimeoutException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;
import io.execution.client.ExecutionClientFactory;
import io.execution.it.Lab.Line;
import io.execution.it.Lab.Order;
import io.execution.it.Pools.Alpha;
import io.execution.it.Pools.Beta;
import io.execution.queue.memory.MemoryQueueBackend;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The same client, with {@code mode: queue}: calls travel as envelopes through the in-memory
 * queue to worker pools of the same application.
 */
@SpringBootTest(classes = LabApplication.class, properties = { "execution.endpoints.lab.mode=queue",
		"execution.endpoints.lab.queue=lab-pool", "execution.endpoints.alpha.queue=alpha-pool",
		"execution.endpoints.beta.queue=beta-pool", "execution.endpoints.sleeper.mode=queue",
		// A caller's endpoint pointed at a pool whose application does not serve it.
		"execution.endpoints.farewell.queue=lab-pool",
		"execution.endpoints.sleeper.timeout=1500ms", "execution.worker.enabled=true",
		"execution.worker.queues=lab-pool,alpha-pool,beta-pool,sleeper", "execution.worker.concurrency=4",
		// These calls time out on purpose, many times over; the breaker has a test of its own (QueueBreakerTest).
		"execution.circuit-breaker.failure-threshold=1000" })
class QueueModeTest {

	@Autowired
	Lab lab;

	@Autowired
	LabService labService;

	@Autowired
	Sleeper sleeper;

	@Autowired
	SleeperService sleeperService;

	@Autowired
	Alpha alpha;

	@Autowired
	Beta beta;

	@Autowired
	ExecutionClientFactory clients;

	@Autowired
	MemoryQueueBackend queues;

	@Autowired
	io.execution.registry.WorkerRegistry registry;

	@Autowired
	io.execution.worker.WorkerPools pools;

	@Test
	void aMemoryQueueServesAsAFallbackOfAnEndpointThatIsDown() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LabApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.lab.mode=http",
					"execution.endpoints.lab.urls=http://localhost:1", "execution.http.health-check.interval=0",
					"execution.endpoints.lab.fallback=lab-queue", "execution.endpoints.lab-queue.queue=lab-pool",
					"execution.worker.enabled=true", "execution.worker.queues=lab-pool")
			.run()) {
			Lab lab = context.getBean(Lab.class);
			assertThat(lab.thread()).startsWith("execution-worker-lab-pool");
			assertThat(lab.echoAsync("via queue")).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("via queue");
		}
	}

	@Test
	void theRegistryListsThisProcesssWorkerAndItsPools() {
		this.lab.echo("counted");
		assertThat(this.registry.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.stale()).isFalse();
			assertThat(worker.pools()).extracting(io.execution.registry.WorkerInfo.Pool::queue)
				.containsExactly("lab-pool", "alpha-pool", "beta-pool", "sleeper");
			assertThat(worker.pools().get(0).completed()).isPositive();
		});
		assertThat(this.registry.liveWorkers("alpha-pool")).hasSize(1);
	}

	@Test
	void runsCallsOnTheQueuesWorkerPool() {
		assertThat(this.lab.thread()).startsWith("execution-worker-lab-pool-");
		assertThat(this.lab.echo("hi")).isEqualTo("hi");
		assertThat(this.lab.add(40, 2)).isEqualTo(42);
	}

	@Test
	void bindsRecordsCollectionsAndPrimitivesFromTheLocalSignature() {
		Order order = new Order("o-7", List.of(new Line("a", 2, 1.25), new Line("b", 1, 4.0)), 0);
		Order priced = this.lab.price(order);
		assertThat(priced.total()).isEqualTo(6.5);
		assertThat(priced.lines()).isEqualTo(order.lines()).isNotSameAs(order.lines());
		assertThat(this.lab.split(order)).extracting(Order::id).containsExactly("o-7/a", "o-7/b");
		assertThat(this.lab.count(List.of("x", "y", "x"))).isEqualTo(Map.of("x", 2, "y", 1));
	}

	@Test
	void runsVoidAndAsyncCalls() throws Exception {
		this.lab.record("queued-void");
		assertThat(this.labService.events).contains("queued-void");
		assertThat(this.lab.echoAsync("later").get(5, TimeUnit.SECONDS)).isEqualTo("later");
		assertThat(this.lab.recordAsync("queued-async").get(5, TimeUnit.SECONDS)).isNull();
		assertThat(this.labService.events).contains("queued-async");
	}

	@Test
	void asyncCallsDoNotBlockTheCaller() throws Exception {
		CompletableFuture<String> future = this.sleeper.sleepAsync(300);
		assertThat(future).isNotDone();
		assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("slept 300");
	}

	@Test
	void poolsNeverSeeEachOthersWork() {
		Set<String> alphaThreads = new HashSet<>();
		Set<String> betaThreads = new HashSet<>();
		List<CompletableFuture<Void>> calls = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			calls.add(CompletableFuture.runAsync(() -> {
				String a = this.alpha.where();
				String b = this.beta.where();
				synchronized (alphaThreads) {
					alphaThreads.add(a);
					betaThreads.add(b);
				}
			}));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		assertThat(alphaThreads).isNotEmpty().allMatch((name) -> name.startsWith("execution-worker-alpha-pool-"));
		assertThat(betaThreads).isNotEmpty().allMatch((name) -> name.startsWith("execution-worker-beta-pool-"));
	}

	@Test
	void theServicesExceptionArrivesWithItsTypeAndMessage() {
		assertThatThrownBy(() -> this.lab.fail("out of stock"))
			.isInstanceOfSatisfying(RemoteExecutionException.class, (ex) -> {
				assertThat(ex.getRemoteType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(ex.getRemoteMessage()).isEqualTo("out of stock");
			});
		assertThat(this.lab.echo("still fine")).isEqualTo("still fine");
	}

	@Test
	void eachPoolCountsItsCallsByTheOneOutcomeModelWithTheirLatency() {
		io.execution.core.CallStatistics.Snapshot labBefore = pool("lab-pool").statistics();
		io.execution.core.CallStatistics.Snapshot sleeperBefore = pool("sleeper").statistics();
		for (int i = 0; i < 3; i++) {
			assertThat(this.lab.echo("counted " + i)).isEqualTo("counted " + i);
		}
		// A service exception is an answer, not a failed call.
		assertThatThrownBy(() -> this.lab.fail("counted")).isInstanceOf(RemoteExecutionException.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			io.execution.core.CallStatistics.Snapshot lab = pool("lab-pool").statistics();
			assertThat(lab.calls()).isEqualTo(labBefore.calls() + 4);
			assertThat(lab.failures()).isEqualTo(labBefore.failures());
			assertThat(lab.p50Millis()).isPositive();
			assertThat(lab.p99Millis()).isGreaterThanOrEqualTo(lab.p50Millis());
		});
		// A call interrupted at its deadline is a failure of its pool.
		int interrupted = this.sleeperService.interrupted.get();
		assertThatThrownBy(() -> this.sleeper.sleep(20_000)).isInstanceOf(ExecutionTimeoutException.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.sleeperService.interrupted.get()).isEqualTo(interrupted + 1);
			io.execution.core.CallStatistics.Snapshot sleeping = pool("sleeper").statistics();
			assertThat(sleeping.calls()).isEqualTo(sleeperBefore.calls() + 1);
			assertThat(sleeping.failures()).isEqualTo(sleeperBefore.failures() + 1);
			assertThat(sleeping.successRate()).isLessThan(1.0);
			assertThat(sleeping.p99Millis()).isGreaterThanOrEqualTo(1000);
		});
		// The registry carries them, as the Actuator endpoint and the console show them.
		io.execution.registry.WorkerInfo.Pool described = io.execution.worker.LocalWorker.describe(pool("sleeper"));
		assertThat(described.successRate()).isEqualTo(pool("sleeper").statistics().successRate());
		assertThat(described.p99Millis()).isGreaterThanOrEqualTo(1000);
	}

	private io.execution.worker.WorkerPool pool(String queue) {
		return this.pools.pools().stream().filter((pool) -> pool.queue().equals(queue)).findFirst().orElseThrow();
	}

	@Test
	void aServiceThePoolsApplicationLacksIsNamedWithTheQueueAndWhatItServes() {
		LabV2 farewell = this.clients.create(LabV2.class, "farewell");
		assertThatThrownBy(() -> farewell.echo("bye")).isInstanceOf(ServiceNotFoundException.class)
			.hasMessageContaining("Unknown service 'farewell' on queue 'lab-pool'")
			.hasMessageContaining("the application that took it serves [")
			.hasMessageContaining("lab");
	}

	@Test
	void aMethodTheServiceLacksIsNotFound() {
		LabV2 newer = this.clients.create(LabV2.class, "lab");
		assertThat(newer.echo("known")).isEqualTo("known");
		assertThatThrownBy(newer::missing).isInstanceOf(ServiceNotFoundException.class)
			.hasMessageContaining("'lab' has no method 'missing'");
		assertThatThrownBy(() -> newer.echo("a", "b")).isInstanceOf(ServiceNotFoundException.class)
			.hasMessageContaining("taking 2 arguments");
	}

	@Test
	void aCallThatOutlivesItsDeadlineTimesOutAndTheWorkerIsInterrupted() {
		int interrupted = this.sleeperService.interrupted.get();
		long start = System.nanoTime();
		assertThatThrownBy(() -> this.sleeper.sleep(20_000)).isInstanceOf(ExecutionTimeoutException.class)
			.hasMessageContaining("execution.endpoints.sleeper.timeout");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.sleeperService.interrupted.get()).isEqualTo(interrupted + 1));
	}

	@Test
	void anAsyncCallTimesOutAtItsDeadlineToo() {
		CompletableFuture<String> future = this.sleeper.sleepAsync(20_000);
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(ExecutionTimeoutException.class);
	}

	@Test
	void aRequestWhoseDeadlinePassedInTheQueueIsNotRun() throws Exception {
		this.sleeperService.gate = new CountDownLatch(1);
		this.sleeperService.holding.drainPermits();
		List<CompletableFuture<String>> holds = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			holds.add(this.sleeper.hold());
		}
		assertThat(this.sleeperService.holding.tryAcquire(4, 5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<String> late = this.sleeper.stamp("too-late");
		assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ExecutionTimeoutException.class);
		this.sleeperService.gate.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queues.depth("sleeper") == 0);
		assertThat(this.sleeper.stamp("in-time").get(5, TimeUnit.SECONDS)).isEqualTo("in-time");
		assertThat(this.sleeperService.stamps).contains("in-time").doesNotContain("too-late");
		holds.forEach((hold) -> assertThat(hold).isCompletedExceptionally());
	}

	@Test
	void cancellingAnAsyncCallInterruptsTheRunningMethod() throws Exception {
		int interrupted = this.sleeperService.interrupted.get();
		this.sleeperService.running.drainPermits();
		CompletableFuture<String> future = this.sleeper.sleepAsync(20_000);
		assertThat(this.sleeperService.running.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
		assertThat(future.cancel(true)).isTrue();
		await().atMost(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(this.sleeperService.interrupted.get()).isEqualTo(interrupted + 1));
	}

	@Test
	void cancellingAWaitingCallDropsIt() throws Exception {
		this.sleeperService.gate = new CountDownLatch(1);
		this.sleeperService.holding.drainPermits();
		List<CompletableFuture<String>> holds = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			holds.add(this.sleeper.hold());
		}
		assertThat(this.sleeperService.holding.tryAcquire(4, 5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<String> waiting = this.sleeper.stamp("dropped");
		assertThat(this.queues.depth("sleeper")).isEqualTo(1);
		waiting.cancel(true);
		assertThat(this.queues.depth("sleeper")).isZero();
		this.sleeperService.gate.countDown();
		for (CompletableFuture<String> hold : holds) {
			assertThat(hold.get(5, TimeUnit.SECONDS)).isEqualTo("released");
		}
		assertThat(this.sleeper.stamp("after").get(5, TimeUnit.SECONDS)).isEqualTo("after");
		assertThat(this.sleeperService.stamps).contains("after").doesNotContain("dropped");
	}

	@Test
	void interruptingASyncCallerCancelsTheCallAndInterruptsTheMethod() throws Exception {
		int interrupted = this.sleeperService.interrupted.get();
		this.sleeperService.running.drainPermits();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<Boolean> flagKept = new AtomicReference<>();
		Thread caller = new Thread(() -> {
			try {
				this.sleeper.sleep(20_000);
			}
			catch (Throwable ex) {
				failure.set(ex);
				flagKept.set(Thread.currentThread().isInterrupted());
			}
		});
		caller.start();
		assertThat(this.sleeperService.running.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
		caller.interrupt();
		caller.join(5_000);
		assertThat(failure.get()).isInstanceOf(ExecutionCancelledException.class);
		assertThat(flagKept.get()).isTrue();
		await().atMost(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(this.sleeperService.interrupted.get()).isEqualTo(interrupted + 1));
	}

	@Test
	void aThousandConcurrentAsyncCallsEachCompleteExactlyOnce() {
		List<CompletableFuture<String>> calls = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			calls.add(this.lab.echoAsync("burst-" + i));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
		for (int i = 0; i < 1000; i++) {
			assertThat(calls.get(i).join()).isEqualTo("burst-" + i);
		}
		List<String> seen = this.labService.echoes.stream().filter((text) -> text.startsWith("burst-")).toList();
		assertThat(seen).hasSize(1000).doesNotHaveDuplicates();
	}

	/** A newer copy of the contract, with methods the running service lacks. */
	interface LabV2 {

		String echo(String text);

		String echo(String text, String other);

		String missing();

	}

}
