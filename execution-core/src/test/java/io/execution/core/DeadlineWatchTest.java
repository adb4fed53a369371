package io.execution.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deadline watch on a real scheduled executor, counting the tasks scheduled on it (its own
 * {@code decorateTask} hook).
 */
class DeadlineWatchTest {

	private final AtomicInteger scheduled = new AtomicInteger();

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1) {

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			DeadlineWatchTest.this.scheduled.incrementAndGet();
			return task;
		}

	};

	{
		this.timer.setRemoveOnCancelPolicy(true);
	}

	private final DeadlineWatch watch = new DeadlineWatch(this.timer);

	/** The threads that make calls concurrently. */
	private final ExecutorService callers = Executors.newFixedThreadPool(8);

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
		this.timer.shutdownNow();
	}

	/**
	 * Calls whose deadlines one look finds passed are acted on in the order of their deadlines, as
	 * a timer task a call would: an earlier call never outlives a later one's timeout.
	 */
	@Test
	void callsFoundPastTheirDeadlinesAtOneLookAreActedOnInDeadlineOrder() throws Exception {
		java.util.List<Long> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
		CountDownLatch acted = new CountDownLatch(64);
		// Deadlines a little ahead, so that one look finds them all passed; watched in a shuffled order.
		long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
		java.util.List<Long> deadlines = new java.util.ArrayList<>();
		for (long i = 0; i < 64; i++) {
			deadlines.add(base + i * 1000);
		}
		java.util.Collections.shuffle(deadlines, new java.util.Random(7));
		for (long deadline : deadlines) {
			this.watch.watch(deadline, () -> {
				order.add(deadline);
				acted.countDown();
			});
		}
		assertThat(acted.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(order).isSorted();
	}

	@Test
	void aCallStillRunningAfterItsDeadlineIsActedOnOnce() throws Exception {
		AtomicInteger fired = new AtomicInteger();
		CountDownLatch acted = new CountDownLatch(1);
		DeadlineWatch.Watched call = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), () -> {
			fired.incrementAndGet();
			acted.countDown();
		});
		assertThat(acted.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(call.fired()).isTrue();
		// Later looks do not act again; closing afterwards is harmless.
		awaitScans(3);
		call.close();
		assertThat(fired).hasValue(1);
	}

	@Test
	void aCallClosedBeforeTheLookIsNeverActedOn() throws Exception {
		AtomicInteger fired = new AtomicInteger();
		DeadlineWatch.Watched call = this.watch.watch(System.nanoTime() - 1, fired::incrementAndGet);
		call.close();
		awaitScans(3);
		assertThat(fired).hasValue(0);
		assertThat(call.fired()).isFalse();
	}

	@Test
	void callsScheduleNoTimerTaskEachAndNothingStaysScheduledOnceNoneRuns() throws Exception {
		List<Future<?>> done = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			done.add(this.callers.submit(() -> {
				for (int i = 0; i < 5_000; i++) {
					this.watch.watch(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), () -> {
					}).close();
				}
			}));
		}
		for (Future<?> caller : done) {
			caller.get(30, TimeUnit.SECONDS);
		}
		// 20,000 calls: a task a call would be 20,000; the look starts again only after a quiet moment.
		assertThat(this.scheduled.get()).isLessThan(200);
		assertThat(this.watch.watched()).isZero();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.timer.getQueue()).isEmpty());
	}

	@Test
	void noCallIsMissedWhileTheLookStopsAndStartsAgain() throws Exception {
		// Calls come one at a time, each just as the look may find none running and stop: each
		// must still be acted on once its deadline passed.
		for (int round = 0; round < 100; round++) {
			CountDownLatch acted = new CountDownLatch(1);
			DeadlineWatch.Watched call = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1),
					acted::countDown);
			assertThat(acted.await(5, TimeUnit.SECONDS)).as("round %d", round).isTrue();
			call.close();
			if (round % 10 == 0) {
				// Let the look see an empty set and stop before the next call.
				awaitScans(2);
			}
		}
		List<Future<Boolean>> all = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			all.add(this.callers.submit(() -> {
				CountDownLatch acted = new CountDownLatch(1);
				DeadlineWatch.Watched call = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2),
						acted::countDown);
				boolean fired = acted.await(5, TimeUnit.SECONDS);
				call.close();
				return fired;
			}));
		}
		for (Future<Boolean> call : all) {
			assertThat(call.get(30, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void aCallWithinACallOnOneThreadIsWatchedAsItsOwn() throws Exception {
		AtomicInteger outerFired = new AtomicInteger();
		CountDownLatch innerActed = new CountDownLatch(1);
		DeadlineWatch.Watched outer = this.watch.watch(System.nanoTime() + TimeUnit.SECONDS.toNanos(30),
				outerFired::incrementAndGet);
		DeadlineWatch.Watched inner = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5),
				innerActed::countDown);
		assertThat(this.watch.watched()).isEqualTo(2);
		assertThat(innerActed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(inner.fired()).isTrue();
		inner.close();
		assertThat(this.watch.watched()).isEqualTo(1);
		outer.close();
		assertThat(outer.fired()).isFalse();
		assertThat(outerFired).hasValue(0);
		assertThat(this.watch.watched()).isZero();
	}

	@Test
	void aCallClosedOnAnotherThreadLeavesItsThreadFreeToWatchTheNext() throws Exception {
		AtomicInteger firstFired = new AtomicInteger();
		DeadlineWatch.Watched first = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50),
				firstFired::incrementAndGet);
		// Completed elsewhere, as an asynchronous call is.
		this.callers.submit(first::close).get(5, TimeUnit.SECONDS);
		CountDownLatch acted = new CountDownLatch(1);
		DeadlineWatch.Watched second = this.watch.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5),
				acted::countDown);
		assertThat(acted.await(5, TimeUnit.SECONDS)).isTrue();
		second.close();
		awaitScans(6);
		assertThat(firstFired).as("closed before its deadline").hasValue(0);
		assertThat(this.watch.watched()).isZero();
	}

	@Test
	void threadsThatEndedLeaveNothingWatched() throws Exception {
		List<Future<?>> done = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			done.add(this.callers.submit(() -> this.watch.watch(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), () -> {
			}).close()));
		}
		for (Future<?> call : done) {
			call.get(5, TimeUnit.SECONDS);
		}
		this.callers.shutdown();
		assertThat(this.callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.watch.watched()).isZero();
		// Nothing watched: the look stops, as it does when no thread ever watched a call.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.timer.getQueue()).isEmpty());
	}

	/**
	 * Waits for this many more looks at the running calls: a probe whose deadline has passed is
	 * acted on by the first look after it was added.
	 */
	private void awaitScans(int scans) throws InterruptedException {
		for (int i = 0; i < scans; i++) {
			CountDownLatch looked = new CountDownLatch(1);
			this.watch.watch(System.nanoTime() - 1, looked::countDown);
			assertThat(looked.await(5, TimeUnit.SECONDS)).isTrue();
		}
	}

}
