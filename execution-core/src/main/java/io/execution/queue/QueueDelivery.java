package io.execution.queue;

import io.execution.codec.Envelope;

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
	 * The request envelope: bytes, or tokens from a caller in this JVM.
	 * @return the body
	 */
	Envelope request();

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
	 * Whether the call was cancelled from another process before this worker started it (a
	 * cancel marker is waiting). Asked only before starting an execution, so it may cost a round
	 * trip.
	 * @return {@code true} to answer it as cancelled without running it
	 */
	default boolean cancelledBeforeStart() {
		return false;
	}

	/**
	 * Sends the caller a chunk of a streaming method's elements, before the final {@link #reply}.
	 * Chunks arrive in the order they are sent; one to a caller that has gone is dropped.
	 * @param chunk the chunk
	 * @throws UnsupportedOperationException from a backend that cannot stream (it never takes a
	 * request marked {@code "stream":true})
	 */
	default void sendChunk(byte[] chunk) {
		throw new UnsupportedOperationException("This queue backend does not stream results");
	}

	/**
	 * Waits until the caller has asked for the given chunk of a streamed result
	 * ({@link StreamDemand}): the worker starts no chunk its caller has not been granted.
	 * @param chunk the chunk's number, counting from 1
	 * @throws InterruptedException when the worker's thread is interrupted (cancel, deadline)
	 */
	default void awaitDemand(long chunk) throws InterruptedException {
	}

	/**
	 * Answers the caller. A reply to a caller that has gone (cancelled, timed out) is dropped.
	 * @param result the result envelope: tokens for a caller in this JVM, which a backend across
	 * processes sends as {@link Envelope#bytes()}
	 */
	void reply(Envelope result);

	/**
	 * Ends this attempt of a call whose service threw without answering its caller, and holds
	 * its next attempt on the queue until it is due, in the same lane, its caller still waiting
	 * for the one answer: one step on a backend that can take it (the Redis backend acknowledges
	 * this attempt and schedules the next in one script), so that a worker stopping in between
	 * loses neither.
	 * @param request the request envelope of the next attempt
	 * @param delayMillis how long from now it is due
	 * @param timeoutMillis the time it may take once due
	 * @return {@code true} when the next attempt is held; {@code false} from a backend that holds
	 * nothing until due, and the worker then answers the caller with the failure
	 */
	default boolean retryLater(byte[] request, long delayMillis, long timeoutMillis) {
		return false;
	}

	/**
	 * Answers a call that a worker gave up on without an answer from the service (its pool shut
	 * down while it ran) and keeps its request as a dead letter, so that an operator can run it
	 * again. By default only answers.
	 * @param result the result envelope the caller gets
	 * @param cause what the dead letter records
	 */
	default void abandon(Envelope result, String cause) {
		reply(result);
	}

}
