package io.execution.async;

/**
 * Where an execution is in its life. It moves forward only: {@code PENDING}, then
 * {@code RUNNING}, then one of the four final states, which never change again.
 */
public enum ExecutionStatus {

	/** Started with {@code startAt}/{@code startAfter}: waiting until it is due. */
	SCHEDULED,

	/** Accepted, not yet started (waiting in a queue, or for a thread). */
	PENDING,

	/** Started on a worker or instance. */
	RUNNING,

	/** Finished with a result. */
	SUCCEEDED,

	/** Finished with an error: the service threw, or the call could not be delivered. */
	FAILED,

	/** Cancelled before it finished. */
	CANCELLED,

	/** Its deadline passed before it finished. */
	TIMED_OUT;

	/**
	 * Whether this is a final state.
	 * @return {@code true} for {@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED} and {@code TIMED_OUT}
	 */
	public boolean isFinished() {
		return this != SCHEDULED && this != PENDING && this != RUNNING;
	}

}
