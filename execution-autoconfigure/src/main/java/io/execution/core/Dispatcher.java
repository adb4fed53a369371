package io.execution.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionException;

/**
 * The middle of Execution: takes each call of a client method, finds its endpoint and hands the
 * invocation to that endpoint's transport, keeping the call's deadline. It knows transports only
 * through {@link Transport}.
 */
public final class Dispatcher implements AutoCloseable {

	private final Endpoints endpoints;

	private final ScheduledThreadPoolExecutor deadlines;

	/**
	 * Makes a dispatcher over the given endpoints.
	 * @param endpoints the endpoints
	 */
	public Dispatcher(Endpoints endpoints) {
		this.endpoints = endpoints;
		this.deadlines = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "execution-deadlines");
			thread.setDaemon(true);
			return thread;
		});
		this.deadlines.setRemoveOnCancelPolicy(true);
	}

	/**
	 * The endpoints this dispatcher routes to.
	 * @return the endpoints
	 */
	public Endpoints endpoints() {
		return this.endpoints;
	}

	/**
	 * Calls a method and waits for the result until the endpoint's timeout.
	 * @param method the client method
	 * @param args the arguments
	 * @return the result
	 */
	public Object call(ClientMethod method, Object[] args) {
		Endpoint endpoint = this.endpoints.resolve(method.service());
		return endpoint.transport().invoke(Invocation.start(method, args, endpoint.timeoutNanos()));
	}

	/**
	 * Starts a call and returns at once. The future fails with
	 * {@link io.execution.ExecutionTimeoutException} at the deadline; cancelling it cancels the
	 * call where it runs.
	 * @param method the client method
	 * @param args the arguments
	 * @return the result to come
	 */
	public CompletableFuture<Object> callAsync(ClientMethod method, Object[] args) {
		Invocation invocation;
		CompletableFuture<Object> running;
		try {
			Endpoint endpoint = this.endpoints.resolve(method.service());
			invocation = Invocation.start(method, args, endpoint.timeoutNanos());
			running = endpoint.transport().invokeAsync(invocation);
		}
		catch (ExecutionException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<Object> result = new CompletableFuture<>();
		running.whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
			}
			else {
				result.completeExceptionally(Futures.unwrap(failure));
			}
		});
		if (!result.isDone()) {
			ScheduledFuture<?> deadline = schedule(
					() -> result.completeExceptionally(Futures.timeout(invocation)), invocation.remainingNanos());
			result.whenComplete((value, failure) -> deadline.cancel(false));
		}
		Futures.cancelWith(result, running);
		return result;
	}

	private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
		return this.deadlines.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The scheduler of call deadlines, for transports that need a timer of their own.
	 * @return the scheduler
	 */
	public ScheduledExecutorService scheduler() {
		return this.deadlines;
	}

	@Override
	public void close() {
		this.deadlines.shutdownNow();
		this.endpoints.close();
	}

}
