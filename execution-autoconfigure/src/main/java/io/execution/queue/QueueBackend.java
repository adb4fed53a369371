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
	 * @return the result envelope to come; cancelling it drops a waiting request and interrupts
	 * a running one
	 * @throws io.execution.ExecutionRejectedException when the queue is full or closed
	 */
	CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos);

	/**
	 * Opens the worker side of a queue.
	 * @param queue the queue
	 * @return a consumer of its requests
	 */
	QueueConsumer consumer(String queue);

	/**
	 * Stops the backend: waiting callers whose requests can no longer run are failed.
	 */
	@Override
	default void close() {
	}

}
