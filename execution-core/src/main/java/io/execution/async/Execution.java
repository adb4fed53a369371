package io.execution.async;

import java.time.Duration;

/**
 * A handle on one execution: a call started with {@link Executions#start}, known by an id that
 * outlives the caller. Any instance that shares the execution store can look it up again with
 * {@link Executions#find}.
 *
 * @param <T> the result type
 */
public interface Execution<T> {

	/**
	 * The execution's id.
	 * @return the id
	 */
	String id();

	/**
	 * The execution as it is now, read afresh.
	 * @return its record
	 * @throws io.execution.ExecutionException when the record is gone (its retention passed)
	 */
	ExecutionRecord record();

	/**
	 * The status now, read afresh.
	 * @return the status
	 */
	default ExecutionStatus status() {
		return record().status();
	}

	/**
	 * Waits for the execution to finish, up to {@code timeout}, and returns its result or throws
	 * its error as a call would ({@link io.execution.RemoteExecutionException},
	 * {@link io.execution.ExecutionCancelledException}, ...).
	 * @param timeout how long to wait
	 * @return the result, bound to the result type
	 * @throws io.execution.ExecutionTimeoutException when it is still running after the wait
	 * (the execution goes on) or when it timed out itself
	 */
	T await(Duration timeout);

	/**
	 * Cancels the execution: a waiting one is dropped, a running one is interrupted.
	 * @return {@code true} when this cancelled it; {@code false} when it had finished already
	 */
	boolean cancel();

}
