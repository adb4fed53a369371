package io.execution.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The process's one timer: call deadlines, the HTTP server's deadlines, retry back-offs, health
 * checks and the worker pools' watchdog all run on its thread ({@code execution-timer}). What it
 * runs must be quick and never block: it fires a deadline, starts an asynchronous request, or
 * hands work to an executor. It is deliberately not a {@code ScheduledExecutorService} bean, so
 * that it never stands in for the application's own task scheduler.
 */
public final class ExecutionTimer implements AutoCloseable {

	private final ScheduledThreadPoolExecutor executor;

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
	}

	/**
	 * The timer as an executor service, for APIs that take one (Resilience4j's retries).
	 * @return the scheduler; shut down only by {@link #close()}
	 */
	public ScheduledExecutorService scheduler() {
		return this.executor;
	}

	/**
	 * Stops the timer: what it had scheduled never runs.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
