package io.execution.queue;

/**
 * One request taken by a worker, which must answer it exactly once with {@link #reply}.
 */
public interface QueueDelivery {

	/**
	 * The invocation id.
	 * @return the id
	 */
	String invocationId();

	/**
	 * The request envelope.
	 * @return the body
	 */
	byte[] request();

	/**
	 * The call's deadline on this JVM's {@link System#nanoTime()} clock.
	 * @return the deadline
	 */
	long deadlineNanos();

	/**
	 * Registers what to do when the caller cancels while the request runs. Runs at once when
	 * the caller has already cancelled. The listener may run more than once.
	 * @param listener the listener
	 */
	void onCancel(Runnable listener);

	/**
	 * Answers the caller. A reply to a caller that has gone (cancelled, timed out) is dropped.
	 * @param result the result envelope
	 */
	void reply(byte[] result);

}
