package io.execution.core;

import java.util.concurrent.CancellationException;

import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;

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
	 * The outcome of a call, as metrics tag it.
	 * @param failure the failure, or {@code null}
	 * @return success, error, timeout, rejected or cancelled
	 */
	static String outcome(Throwable failure) {
		if (failure == null) {
			return "success";
		}
		if (failure instanceof ExecutionTimeoutException) {
			return "timeout";
		}
		if (failure instanceof ExecutionRejectedException || failure instanceof CircuitOpenException) {
			return "rejected";
		}
		if (failure instanceof ExecutionCancelledException || failure instanceof CancellationException) {
			return "cancelled";
		}
		return "error";
	}

}
