package io.execution.core;

/**
 * Told of every call the dispatcher finishes: statistics and metrics hang here. Called on the
 * caller's thread (or the thread completing an asynchronous call); must be quick.
 */
public interface CallObserver {

	/**
	 * A call finished.
	 * @param endpoint the endpoint it was sent to (fallbacks included)
	 * @param method the client method
	 * @param durationNanos how long it took
	 * @param failure what it failed with, or {@code null}
	 */
	void finished(Endpoint endpoint, ClientMethod method, long durationNanos, Throwable failure);

	/**
	 * The outcome of a call, as metrics and observations tag it.
	 * @param failure the failure, or {@code null}
	 * @return the tag of its {@link CallOutcome}: success, service-exception, error, timeout,
	 * rejected or cancelled
	 */
	static String outcome(Throwable failure) {
		return CallOutcome.of(failure).tag();
	}

}
