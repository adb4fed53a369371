package io.execution.core;

import java.util.List;
import java.util.function.Supplier;

/**
 * Things worth counting that happen inside transports and the dispatcher: retries, fallbacks,
 * redeliveries, dead letters. Listeners must be quick; the default methods do nothing.
 */
public interface ExecutionEvents {

	/** Listens to nothing. */
	ExecutionEvents NONE = new ExecutionEvents() {
	};

	/**
	 * A call is tried again on the endpoint.
	 * @param endpoint the endpoint
	 */
	default void retried(String endpoint) {
	}

	/**
	 * A call goes on to a fallback endpoint.
	 * @param endpoint the endpoint that failed
	 * @param fallback the fallback tried next
	 */
	default void fellBack(String endpoint, String fallback) {
	}

	/**
	 * A worker took over a request whose worker stopped before answering.
	 * @param queue the queue
	 */
	default void redelivered(String queue) {
	}

	/**
	 * A request was kept as a dead letter.
	 * @param queue the queue
	 */
	default void deadLettered(String queue) {
	}

	/**
	 * A request was kept as a dead letter: its caller gets an error and it never runs again.
	 * By default this is counted as {@link #deadLettered(String)}.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param cause why
	 */
	default void deadLettered(String queue, String invocationId, byte[] request, String cause) {
		deadLettered(queue);
	}

	/**
	 * A {@link io.execution.CacheResult} call was answered from the cache (or shared the result
	 * of an identical call running at the same time): the method did not run for it.
	 * @param service the service
	 * @param method the method
	 */
	default void cacheHit(String service, String method) {
	}

	/**
	 * A {@link io.execution.CacheResult} call found no cached result and ran.
	 * @param service the service
	 * @param method the method
	 */
	default void cacheMiss(String service, String method) {
	}

	/**
	 * A request scheduled for later reached its queue: it was due this long ago (its lateness).
	 * @param queue the queue
	 * @param latenessMillis how late, in milliseconds
	 */
	default void scheduledStarted(String queue, long latenessMillis) {
	}

	/**
	 * Tells every listener, found when the first event comes (listeners may depend on what
	 * raises the events).
	 * @param listeners supplies the listeners
	 * @return the multicaster
	 */
	static ExecutionEvents of(Supplier<List<ExecutionEvents>> listeners) {
		return new ExecutionEvents() {

			private volatile List<ExecutionEvents> resolved;

			private List<ExecutionEvents> listeners() {
				List<ExecutionEvents> current = this.resolved;
				if (current == null) {
					current = listeners.get();
					this.resolved = current;
				}
				return current;
			}

			@Override
			public void retried(String endpoint) {
				listeners().forEach((listener) -> listener.retried(endpoint));
			}

			@Override
			public void fellBack(String endpoint, String fallback) {
				listeners().forEach((listener) -> listener.fellBack(endpoint, fallback));
			}

			@Override
			public void redelivered(String queue) {
				listeners().forEach((listener) -> listener.redelivered(queue));
			}

			@Override
			public void deadLettered(String queue) {
				listeners().forEach((listener) -> listener.deadLettered(queue));
			}

			@Override
			public void deadLettered(String queue, String invocationId, byte[] request, String cause) {
				listeners().forEach((listener) -> listener.deadLettered(queue, invocationId, request, cause));
			}

			@Override
			public void scheduledStarted(String queue, long latenessMillis) {
				listeners().forEach((listener) -> listener.scheduledStarted(queue, latenessMillis));
			}

			@Override
			public void cacheHit(String service, String method) {
				listeners().forEach((listener) -> listener.cacheHit(service, method));
			}

			@Override
			public void cacheMiss(String service, String method) {
				listeners().forEach((listener) -> listener.cacheMiss(service, method));
			}

		};
	}

}
