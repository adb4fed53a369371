package io.execution.async;

/**
 * What a transport implements when it can reach executions that another process keeps or runs:
 * executions are a layer over the dispatcher, and only the transports that hand work to another
 * process (http, queue) implement this. {@link DefaultExecutions} asks the endpoint's transport
 * for it when a record is kept, or its execution runs, elsewhere.
 */
public interface RemoteExecutions {

	/**
	 * Reads the record of an execution that this transport started and another instance keeps
	 * (http mode: from the status URL that instance answered with).
	 * @param location the status URL
	 * @return the record as JSON, or {@code null} when that instance no longer knows it (or
	 * the record is kept in the shared store, as on a queue)
	 * @throws io.execution.ExecutionException when it cannot be read now
	 */
	default byte[] fetchExecution(String location) {
		return null;
	}

	/**
	 * Cancels an execution of this endpoint that this process does not hold (started by
	 * another process, or before a restart).
	 * @param id the execution id
	 * @param location its status URL at another instance, or {@code null}
	 * @return {@code true} when the cancellation was sent; {@code false} when this transport
	 * cannot reach where it runs
	 */
	boolean cancelExecution(String id, String location);

	/**
	 * A tracker that also hears where an execution's record is kept when another instance
	 * keeps it: what the http transport tells the trackers of the executions it starts.
	 */
	interface Tracker extends io.execution.core.ExecutionTracker {

		/**
		 * The execution is kept by another instance, at this status URL.
		 * @param location the status URL
		 */
		void located(String location);

	}

}
