package io.execution.queue;

import java.util.concurrent.CompletableFuture;

/**
 * Where queued calls wait for a worker: in memory, or in Redis across machines. Callers submit
 * request envelopes and get the result envelope back; workers take deliveries and reply.
 * Queues are independent: a worker of one queue never sees another queue's requests.
 */
public interface QueueBackend extends AutoCloseable {

	/**
	 * The backend's name, as written in {@code execution.queue.backend}.
	 * @return for example {@code memory}
	 */
	String name();

	/**
	 * Puts a request on a queue.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param deadlineNanos the call's deadline on this JVM's {@link System#nanoTime()} clock
	 * @param idempotent whether the call may run again after a worker died running it
	 * @return the result envelope to come; cancelling it drops a waiting request and interrupts
	 * a running one. A full or closed queue fails it (or throws) with
	 * {@link io.execution.ExecutionRejectedException}
	 */
	CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent);

	/**
	 * Puts a request on a queue in a lane: by priority, fairness key and required worker tags.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param deadlineNanos the call's deadline on this JVM's {@link System#nanoTime()} clock
	 * @param idempotent whether the call may run again after a worker died running it
	 * @param lane where it waits; {@link QueueLane#DEFAULT} for the plain queue
	 * @return the result envelope to come, as {@link #submit(String, String, byte[], long, boolean)}
	 */
	default CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent, QueueLane lane) {
		if (lane.isDefault()) {
			return submit(queue, invocationId, request, deadlineNanos, idempotent);
		}
		throw new UnsupportedOperationException("The " + name() + " queue backend has no priorities, fairness keys or"
				+ " requirements");
	}

	/**
	 * Whether this backend holds requests until they are due ({@link #submitLater}).
	 * @return {@code false} by default
	 */
	default boolean schedules() {
		return false;
	}

	/**
	 * Puts a request on a queue to be taken once it is due: until then no worker sees it,
	 * {@link #state} counts it as scheduled, and {@link #cancel} or the future's cancel drops it.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param delayMillis how long from now it is due
	 * @param timeoutMillis the time it has once due
	 * @param deadlineNanos its deadline (due plus timeout) on this JVM's {@link System#nanoTime()} clock
	 * @param idempotent whether the call may run again after a worker died running it
	 * @return the result envelope to come, as {@link #submit}
	 */
	default CompletableFuture<byte[]> submitLater(String queue, String invocationId, byte[] request, long delayMillis,
			long timeoutMillis, long deadlineNanos, boolean idempotent) {
		throw new UnsupportedOperationException("The " + name() + " queue backend does not schedule requests");
	}

	/**
	 * Puts a request on a queue, in a lane, to be taken once it is due.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param delayMillis how long from now it is due
	 * @param timeoutMillis the time it has once due
	 * @param deadlineNanos its deadline on this JVM's {@link System#nanoTime()} clock
	 * @param idempotent whether the call may run again after a worker died running it
	 * @param lane the lane it joins when due
	 * @return the result envelope to come
	 */
	default CompletableFuture<byte[]> submitLater(String queue, String invocationId, byte[] request, long delayMillis,
			long timeoutMillis, long deadlineNanos, boolean idempotent, QueueLane lane) {
		if (lane.isDefault()) {
			return submitLater(queue, invocationId, request, delayMillis, timeoutMillis, deadlineNanos, idempotent);
		}
		throw new UnsupportedOperationException("The " + name() + " queue backend has no priorities, fairness keys or"
				+ " requirements");
	}

	/**
	 * Puts a request for a streaming method on a queue: the worker sends the elements in chunks
	 * as they are produced, then the final result envelope.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope, marked {@code "stream":true}
	 * @param deadlineNanos the call's deadline on this JVM's {@link System#nanoTime()} clock
	 * @param idempotent whether the call may run again after a worker died running it
	 * @param chunks receives each chunk, in order, before the result completes
	 * @return the final result envelope to come, as {@link #submit}; {@code null} when this backend
	 * cannot stream (the elements then arrive all at once, from {@link #submit})
	 */
	default CompletableFuture<byte[]> submitStream(String queue, String invocationId, byte[] request,
			long deadlineNanos, boolean idempotent, java.util.function.Consumer<byte[]> chunks) {
		return null;
	}

	/**
	 * Puts a request for a streaming method on a queue, in a lane.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param deadlineNanos the call's deadline
	 * @param idempotent whether the call may run again after a worker died running it
	 * @param lane where it waits
	 * @param chunks receives each chunk
	 * @return the final result envelope to come; {@code null} when this backend cannot stream
	 * from a lane (the elements then arrive all at once)
	 */
	default CompletableFuture<byte[]> submitStream(String queue, String invocationId, byte[] request,
			long deadlineNanos, boolean idempotent, QueueLane lane, java.util.function.Consumer<byte[]> chunks) {
		return lane.isDefault() ? submitStream(queue, invocationId, request, deadlineNanos, idempotent, chunks) : null;
	}

	/**
	 * Cancels a request by its invocation id, from any process: one that waits is dropped when a
	 * worker takes it, one that runs is interrupted.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @return {@code true} when the cancellation was sent; {@code false} when this backend cancels
	 * only through the caller's future
	 */
	default boolean cancel(String queue, String invocationId) {
		return false;
	}

	/**
	 * Opens the worker side of a queue.
	 * @param queue the queue
	 * @return a consumer of its requests
	 */
	QueueConsumer consumer(String queue);

	/**
	 * Opens the worker side of a queue for a pool of known size, so that a backend that fetches
	 * in batches takes no more than the pool can run.
	 * @param queue the queue
	 * @param concurrency how many calls the pool runs at once
	 * @return a consumer of its requests
	 */
	default QueueConsumer consumer(String queue, int concurrency) {
		return consumer(queue);
	}

	/**
	 * Opens the worker side of a queue whose calls are limited across every worker of every
	 * process: at most so many running at once, at most so many started per period. A worker
	 * takes a request only within the limits, so calls over them wait in the queue. A worker that
	 * stops holding concurrency slots gives them back when its lease runs out.
	 * @param queue the queue
	 * @param concurrency how many calls this pool runs at once
	 * @param limits the limits; {@link QueueLimits#NONE} for none
	 * @return a consumer of its requests
	 */
	default QueueConsumer consumer(String queue, int concurrency, QueueLimits limits) {
		if (!limits.any()) {
			return consumer(queue, concurrency);
		}
		throw new UnsupportedOperationException("The " + name() + " queue backend does not limit calls");
	}

	/**
	 * Opens the worker side of a queue with everything that decides what this pool takes: the
	 * queue's limits, this worker's tags, fairness weights and priority aging.
	 * @param queue the queue
	 * @param concurrency how many calls this pool runs at once
	 * @param options how it takes requests
	 * @return a consumer of its requests
	 */
	default QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options) {
		return consumer(queue, concurrency, options.limits());
	}

	/**
	 * Why a call with a requirement put on a queue now would not run: no live worker serving
	 * the queue has the tags it requires.
	 * @param queue the queue
	 * @param requires the worker tags required (empty for none)
	 * @return the reason, or {@code null} when a worker could take it or the backend cannot tell
	 */
	default String unavailable(String queue, java.util.Map<String, String> requires) {
		return unavailable(queue);
	}

	/**
	 * What a queue holds now, for health and metrics.
	 * @param queue the queue
	 * @return its state
	 */
	default QueueState state(String queue) {
		return QueueState.UNKNOWN;
	}

	/**
	 * How much of a queue's global limits is in use now, for operators.
	 * @param queue the queue
	 * @return for example {@code running} (calls holding concurrency slots) and
	 * {@code startTokens} (tokens left in the rate limit's bucket); empty when the queue has no
	 * limit or the backend cannot tell
	 */
	default java.util.Map<String, Object> limitsInUse(String queue) {
		return java.util.Map.of();
	}

	/**
	 * Prepares at start-up what the first call would otherwise pay for (connections, scripts),
	 * for a short while at most and never failing: a backend that cannot be reached yet is
	 * prepared by its first call, as without it. The default does nothing.
	 */
	default void warmUp() {
	}

	/**
	 * Why no call put on a queue now would run, when the backend knows it (no live worker
	 * serves the queue), so that a fallback chain moves on at once.
	 * @param queue the queue
	 * @return the reason, or {@code null} when the queue is served or the backend cannot tell
	 */
	default String unavailable(String queue) {
		return null;
	}

	/**
	 * A queue's dead letters, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most returned
	 * @return the dead letters (their service and method not read yet)
	 */
	default java.util.List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		return java.util.List.of();
	}

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return the dead letter, or empty when there is none of that id
	 */
	default java.util.Optional<DeadLetter> deadLetter(String queue, String id) {
		return java.util.Optional.empty();
	}

	/**
	 * Puts a dead letter back on its queue, with a fresh deadline, and removes it from the dead
	 * letters, at once: a worker runs it as any request (no caller waits for its answer; an
	 * execution's record shows it).
	 * @param queue the queue
	 * @param id the dead letter's id
	 * @param timeoutMillis the time it has from now
	 * @return whether it was requeued; {@code false} when there is no such dead letter
	 */
	default boolean requeue(String queue, String id, long timeoutMillis) {
		return false;
	}

	/**
	 * Deletes one dead letter, or all of a queue's.
	 * @param queue the queue
	 * @param id the dead letter's id, or {@code null} for all
	 * @return how many were deleted
	 */
	default long purge(String queue, String id) {
		return 0;
	}

	/**
	 * Where what an asynchronous caller chains to its call's future runs. A backend that
	 * completes futures on threads that must not block (an I/O event loop) hands them to an
	 * executor; by default they run on the thread that completes them.
	 * @return the executor
	 */
	default java.util.concurrent.Executor callbacks() {
		return Runnable::run;
	}

	/**
	 * Stops the backend: waiting callers whose requests can no longer run are failed.
	 */
	@Override
	default void close() {
	}

}
