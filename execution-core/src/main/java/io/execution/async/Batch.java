package io.execution.async;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Many executions started as one unit by {@link Executions#startAll}: one id, the executions in
 * the order they were given, their progress, their results in that order, and one cancel for
 * all that have not finished. The batch is kept in the execution store with the same retention,
 * so another process (or this one after a restart, on Redis) finds it by id.
 *
 * @param <T> the executions' result type
 */
public interface Batch<T> {

	/**
	 * The batch's id.
	 * @return the id
	 */
	String id();

	/**
	 * The executions, in the order they were given.
	 * @return the executions
	 */
	List<Execution<T>> executions();

	/**
	 * How far the batch is: its executions counted by status.
	 * @return the progress now
	 */
	BatchProgress progress();

	/**
	 * Waits until every execution finished and returns their results in order.
	 * @param timeout the longest wait
	 * @return the results
	 * @throws io.execution.ExecutionException the first failure, in order, when an execution failed
	 * @throws io.execution.ExecutionTimeoutException when the wait ends first; the batch goes on
	 */
	List<T> await(Duration timeout);

	/**
	 * Cancels every execution that has not finished.
	 * @return how many were cancelled
	 */
	int cancel();

	/**
	 * Completes with the final progress once every execution finished (whatever its outcome).
	 * @return the completion
	 */
	CompletableFuture<BatchProgress> whenDone();

}
