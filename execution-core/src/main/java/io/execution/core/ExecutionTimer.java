package io.execution.core;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The process's one timer, and the owner of the threads Execution starts besides the worker
 * pools' ({@link #pool(String)}): all go when it is closed with the context. Call deadlines, the look at running calls' deadlines (the HTTP server's
 * and the worker pools', {@link DeadlineWatch}), retry back-offs and health checks all run on its
 * thread ({@code execution-timer}). What it
 * runs must be quick and never block: it fires a deadline, starts an asynchronous request, or
 * hands work to an executor. It is deliberately not a {@code ScheduledExecutorService} bean, so
 * that it never stands in for the application's own task scheduler.
 */
public final class ExecutionTimer implements AutoCloseable {

	private final ScheduledThreadPoolExecutor executor;

	/** Short blocking lookups the timer starts (service discovery): one thread, gone when idle. */
	private final ThreadPoolExecutor lookups = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "execution-lookups");
				thread.setDaemon(true);
				return thread;
			});

	/** The pools made by {@link #pool(String)}, shut down with the timer. */
	private final java.util.List<java.util.concurrent.ExecutorService> pools = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** Watches the running calls' deadlines (local calls, served calls, worker pools' calls). */
	private final DeadlineWatch deadlines;

	/**
	 * Makes the timer and its daemon thread.
	 */
	public ExecutionTimer() {
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "execution-timer");
			thread.setDaemon(true);
			return thread;
		});
		// Deadlines are mostly cancelled (the call answered first): drop them at once.
		this.executor.setRemoveOnCancelPolicy(true);
		this.deadlines = new DeadlineWatch(this.executor);
	}

	/**
	 * The watch of the deadlines of calls running in this process, looked at on this timer.
	 * @return the watch
	 */
	public DeadlineWatch deadlines() {
		return this.deadlines;
	}

	/**
	 * A pool of daemon threads named {@code <name>-<n>}, made on demand and gone after 30 s idle,
	 * shut down with this timer: the one place, besides the timer itself and the worker pools,
	 * where Execution's threads come from, so that none outlives the application context.
	 * @param name the threads' name prefix, {@code execution-…}
	 * @return the pool
	 */
	public java.util.concurrent.ExecutorService pool(String name) {
		return pool(name, null);
	}

	/**
	 * A pool as {@link #pool(String)} makes, its threads from a factory of the application's
	 * (virtual threads, when it runs on them).
	 * @param name the threads' name prefix, {@code execution-…}
	 * @param threads makes the threads; {@code null} for daemon platform threads named {@code <name>-<n>}
	 * @return the pool, shut down with this timer
	 */
	public java.util.concurrent.ExecutorService pool(String name, java.util.concurrent.ThreadFactory threads) {
		java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
				new java.util.concurrent.SynchronousQueue<>(), (threads != null) ? threads : (task) -> {
					Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.pools.add(pool);
		if (this.executor.isShutdown()) {
			pool.shutdownNow();
		}
		return pool;
	}

	/**
	 * The timer as an executor service, for APIs that take one (Resilience4j's retries).
	 * @return the scheduler; shut down only by {@link #close()}
	 */
	public ScheduledExecutorService scheduler() {
		return this.executor;
	}

	/**
	 * Where the timer's tasks hand work that may block briefly (a discovery client's lookup):
	 * one thread ({@code execution-lookups}), started on demand and gone after 30 s idle.
	 * @return the executor; shut down only by {@link #close()}
	 */
	public Executor lookups() {
		return this.lookups;
	}

	/**
	 * Stops the timer: what it had scheduled never runs.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
		this.lookups.shutdownNow();
		this.pools.forEach(java.util.concurrent.ExecutorService::shutdown);
	}

}
