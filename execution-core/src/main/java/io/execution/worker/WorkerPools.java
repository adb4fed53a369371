package io.execution.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

import io.execution.async.ExecutionRecorder;
import io.execution.core.ExecutionTimer;
import io.execution.queue.QueueBackend;
import io.execution.queue.ConsumerOptions;
import io.execution.service.ServiceExecutor;

import org.springframework.context.SmartLifecycle;

/**
 * This application's worker pools, started and stopped with the application context: they
 * start taking work once the context is refreshed, and on close they stop taking work, let
 * running calls finish within the grace period, then fail the rest.
 */
public final class WorkerPools implements SmartLifecycle {

	private final List<WorkerPool> pools = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final Function<String, WorkerPool> factory;

	private final List<String> queues;

	private volatile boolean draining;

	private final Duration gracePeriod;

	private final ScheduledExecutorService watchdog;

	/** The timer these pools made for themselves, when they were given none. */
	private final ExecutionTimer ownTimer;

	private volatile boolean running;

	private final Readiness readiness;

	/**
	 * Makes one pool per queue.
	 * @param backend the queue backend
	 * @param executor runs requests on this application's services
	 * @param queues the queues to serve
	 * @param concurrency how many calls each pool runs at once
	 * @param gracePeriod how long running calls may take to finish on shutdown
	 */
	public WorkerPools(QueueBackend backend, ServiceExecutor executor, List<String> queues, int concurrency,
			Duration gracePeriod) {
		this(backend, executor, queues, concurrency, gracePeriod, null, Readiness.NONE, null, null);
	}

	/**
	 * Makes one pool per queue, whose executions are recorded.
	 * @param backend the queue backend
	 * @param executor runs requests on this application's services
	 * @param queues the queues to serve
	 * @param concurrency how many calls each pool runs at once
	 * @param gracePeriod how long running calls may take to finish on shutdown
	 * @param recorder records the executions the pools run, or {@code null}
	 * @param readiness hears when the pools stop and start taking work
	 * @param timer runs the pools' deadline watch; {@code null} for one of their own, closed on stop
	 * @param threads makes each queue's threads; {@code null} for platform threads
	 */
	public WorkerPools(QueueBackend backend, ServiceExecutor executor, List<String> queues, int concurrency,
			Duration gracePeriod, ExecutionRecorder recorder, Readiness readiness, ExecutionTimer timer,
			Function<String, ThreadFactory> threads) {
		this(backend, executor, queues, concurrency, gracePeriod, recorder, readiness, timer, threads,
				(queue) -> ConsumerOptions.DEFAULT);
	}

	/**
	 * Makes one pool per queue, each taking requests as its options say (limits across all
	 * workers, this worker's tags, fairness weights, priority aging).
	 * @param backend the queue backend
	 * @param executor runs requests on this application's services
	 * @param queues the queues to serve
	 * @param concurrency how many calls each pool runs at once
	 * @param gracePeriod how long running calls may take to finish on shutdown
	 * @param recorder records the executions the pools run, or {@code null}
	 * @param readiness hears when the pools stop and start taking work
	 * @param timer runs the pools' deadline watch; {@code null} for one of their own, closed on stop
	 * @param threads makes each queue's threads; {@code null} for platform threads
	 * @param options how each queue's pool takes requests
	 */
	public WorkerPools(QueueBackend backend, ServiceExecutor executor, List<String> queues, int concurrency,
			Duration gracePeriod, ExecutionRecorder recorder, Readiness readiness, ExecutionTimer timer,
			Function<String, ThreadFactory> threads, Function<String, ConsumerOptions> options) {
		Function<String, ThreadFactory> factories = (threads != null) ? threads : WorkerPool::platformThreads;
		this.gracePeriod = gracePeriod;
		this.readiness = readiness;
		this.ownTimer = (timer != null) ? null : new ExecutionTimer();
		this.watchdog = ((timer != null) ? timer : this.ownTimer).scheduler();
		// Each queue's counts outlive its pool: a resume makes new pools that count on.
		Map<String, io.execution.core.CallStatistics.Window> counts = new java.util.concurrent.ConcurrentHashMap<>();
		this.factory = (queue) -> new WorkerPool(queue, concurrency,
				new io.execution.queue.PausableConsumer(queue, backend.consumer(queue, concurrency, options.apply(queue)),
						() -> backend.paused(queue)), executor, this.watchdog, recorder,
				factories.apply(queue), counts.computeIfAbsent(queue, (name) -> new io.execution.core.CallStatistics.Window()));
		this.queues = List.copyOf(new LinkedHashSet<>(queues));
		this.queues.forEach((queue) -> this.pools.add(this.factory.apply(queue)));
	}

	/**
	 * The pools, one per queue.
	 * @return the pools
	 */
	public List<WorkerPool> pools() {
		return List.copyOf(this.pools);
	}

	@Override
	public void start() {
		this.pools.forEach(WorkerPool::start);
		this.running = true;
	}

	/**
	 * Stops taking work without stopping the application, and returns at once: running calls
	 * finish within the grace period (then are interrupted), requests not started stay queued for
	 * other workers (or for the resume), and readiness turns to refusing traffic.
	 * {@link #resume()} takes work again.
	 */
	public synchronized void drain() {
		if (this.draining || !this.running) {
			return;
		}
		this.draining = true;
		refuseTraffic();
		// In the background: the drain may itself arrive as a call that one of these pools runs.
		List<WorkerPool> draining = List.copyOf(this.pools);
		// At once, so that whoever asked reads pools that take no work; the grace wait follows.
		draining.forEach(WorkerPool::stopTaking);
		Thread thread = new Thread(() -> stopPools(draining, true), "execution-worker-drain");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Takes work again after {@link #drain()}, with new pools on the same queues.
	 */
	public synchronized void resume() {
		if (!this.draining) {
			return;
		}
		List<WorkerPool> fresh = this.queues.stream().map(this.factory).toList();
		fresh.forEach(WorkerPool::start);
		this.pools.clear();
		this.pools.addAll(fresh);
		this.draining = false;
		this.readiness.accepting(true);
	}

	/**
	 * Whether the pools were drained and not resumed.
	 * @return {@code true} while drained
	 */
	public boolean isDraining() {
		return this.draining;
	}

	@Override
	public void stop() {
		refuseTraffic();
		stopPools(this.pools, false);
		if (this.ownTimer != null) {
			this.ownTimer.close();
		}
		this.running = false;
	}

	/** Draining: not ready for more work, so that a readiness probe takes this instance out now. */
	private void refuseTraffic() {
		this.readiness.accepting(false);
	}

	private void stopPools(List<WorkerPool> pools, boolean drain) {
		// Pools stop side by side, so that the whole stop takes one grace period, not one per pool.
		List<Thread> stopping = new ArrayList<>();
		for (WorkerPool pool : pools) {
			Thread thread = new Thread(() -> {
				if (drain) {
					pool.drain(this.gracePeriod);
				}
				else {
					pool.stop(this.gracePeriod);
				}
			}, "execution-worker-stop-" + pool.queue());
			stopping.add(thread);
			thread.start();
		}
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Hears when the pools stop taking work (a drain, the shutdown) and take it again (a resume):
	 * the auto-configuration turns it into the application's readiness state.
	 */
	@FunctionalInterface
	public interface Readiness {

		/** Hears nothing. */
		Readiness NONE = (accepting) -> {
		};

		/**
		 * The pools stopped or started taking work.
		 * @param accepting whether they take work now
		 */
		void accepting(boolean accepting);

	}

}
