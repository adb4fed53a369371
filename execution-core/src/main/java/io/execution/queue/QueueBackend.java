package io.execution.queue;

import io.execution.codec.Envelope;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where queued calls wait for a worker: in memory, or in Redis across machines. A thin wire:
 * callers put a {@link QueuedCall} on a queue and get the result envelope back; workers take
 * deliveries and reply. What a call is — its deadline, lane, due time, stream — travels in that
 * one value; the policies around a call are the dispatcher's. Queues are independent: a worker of
 * one queue never sees another queue's requests.
 */
public interface QueueBackend extends AutoCloseable {

	/**
	 * The backend's name, as written in {@code execution.queue.backend}.
	 * @return for example {@code memory}
	 */
	String name();

	/**
	 * Puts a call on its queue: due now or, when {@linkplain QueuedCall#later() later}, held
	 * until then (a backend that does not {@linkplain #schedules() schedule} throws
	 * {@link UnsupportedOperationException}); in its lane (by priority, fairness key and required
	 * worker tags); its chunks given to {@link QueuedCall#chunks()} as they come when it is
	 * streamed.
	 * @param call the call
	 * @return the result envelope to come (for a streamed call, its end); cancelling it drops a
	 * waiting request and interrupts a running one. A full or closed queue, or one no live worker
	 * with the required tags serves, fails it (or throws) with
	 * {@link io.execution.ExecutionRejectedException}
	 */
	CompletableFuture<Envelope> submit(QueuedCall call);

	/**
	 * Whether its workers run in the callers' JVM, so that a request may travel as tokens rather
	 * than bytes ({@link Envelope}): the memory queue.
	 * @return {@code false} by default: requests travel as JSON bytes
	 */
	default boolean inJvm() {
		return false;
	}

	/**
	 * Whether this backend holds calls until they are due.
	 * @return {@code false} by default
	 */
	default boolean schedules() {
		return false;
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
	 * Opens the worker side of a queue for a pool of known size (a backend that fetches in
	 * batches takes no more than the pool can run), with everything that decides what this pool
	 * takes: the queue's global limits (a worker takes a request only within them; one that stops
	 * holding concurrency slots gives them back when its lease runs out), this worker's tags,
	 * fairness weights and priority aging.
	 * @param queue the queue
	 * @param concurrency how many calls the pool runs at once
	 * @param options how it takes requests; {@link ConsumerOptions#DEFAULT} for the plain way
	 * @return a consumer of its requests
	 */
	QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options);

	/**
	 * Why no call put on a queue now would run, when the backend knows it (no live worker serves
	 * the queue, or none with the tags a call requires), so that a fallback chain moves on at once.
	 * @param queue the queue
	 * @param requires the worker tags required (empty for none)
	 * @return the reason, or {@code null} when a worker could take it or the backend cannot tell
	 */
	default String unavailable(String queue, Map<String, String> requires) {
		return null;
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
	 * {@code startTokens} (tokens left in the rate limit's bucket), and under a per-key concurrency
	 * limit {@code runningByKey} (the calls of each fairness key running, at most 100 keys); empty
	 * when the queue has no limit or the backend cannot tell
	 */
	default Map<String, Object> limitsInUse(String queue) {
		return Map.of();
	}

	/**
	 * The calls this backend gave up on, kept to be requeued or deleted.
	 * @return its dead letters; {@link DeadLetterStore#NONE} by default
	 */
	default DeadLetterStore deadLetters() {
		return DeadLetterStore.NONE;
	}

	/**
	 * Prepares at start-up what the first call would otherwise pay for (connections, scripts),
	 * for a short while at most and never failing: a backend that cannot be reached yet is
	 * prepared by its first call, as without it. The default does nothing.
	 */
	default void warmUp() {
	}

	/**
	 * Where what callers chain to a result runs, when results complete on a thread where nothing
	 * may block (a client's I/O thread).
	 * @return the executor; the completing thread itself by default
	 */
	default Executor callbacks() {
		return Runnable::run;
	}

	/**
	 * Whether a queue is paused: no worker of any process sharing the backend takes its calls,
	 * which wait. The default: never paused.
	 * @param queue the queue
	 * @return {@code true} while paused
	 */
	default boolean paused(String queue) {
		return false;
	}

	/**
	 * Pauses or resumes a queue for every worker sharing the backend.
	 * @param queue the queue
	 * @param paused {@code true} to pause, {@code false} to resume
	 */
	default void pause(String queue, boolean paused) {
		throw new UnsupportedOperationException(name() + " queues cannot be paused");
	}

	/**
	 * Releases what the backend holds. The default does nothing.
	 */
	@Override
	default void close() {
	}

}
