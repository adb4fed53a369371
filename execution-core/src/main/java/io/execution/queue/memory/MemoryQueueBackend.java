package io.execution.queue.memory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.ExecutionRejectedException;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueState;

/**
 * Queues in this JVM's memory: the embedded default, with nothing else to run. Each queue holds
 * at most {@code capacity} waiting requests; a cancelled request is dropped where it waits.
 * Requests do not survive the process: on close, those still waiting are failed with
 * {@link ExecutionRejectedException}.
 */
public final class MemoryQueueBackend implements QueueBackend {

	private final int capacity;

	private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Makes the backend.
	 * @param capacity the most requests one queue holds waiting
	 */
	public MemoryQueueBackend(int capacity) {
		this.capacity = capacity;
	}

	@Override
	public String name() {
		return "memory";
	}

	@Override
	public CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent) {
		if (this.closed) {
			throw new ExecutionRejectedException(
					"Queue '" + queue + "' is closed: the application is shutting down [" + invocationId + "]");
		}
		return queue(queue).offer(invocationId, request, deadlineNanos, null);
	}

	@Override
	public CompletableFuture<byte[]> submitStream(String queue, String invocationId, byte[] request,
			long deadlineNanos, boolean idempotent, java.util.function.Consumer<byte[]> chunks) {
		if (this.closed) {
			throw new ExecutionRejectedException(
					"Queue '" + queue + "' is closed: the application is shutting down [" + invocationId + "]");
		}
		return queue(queue).offer(invocationId, request, deadlineNanos, chunks);
	}

	@Override
	public QueueConsumer consumer(String queue) {
		MemoryQueue memoryQueue = queue(queue);
		return memoryQueue::take;
	}

	/**
	 * The number of requests waiting on a queue (not counting the running ones).
	 * @param queue the queue
	 * @return the depth
	 */
	public int depth(String queue) {
		MemoryQueue memoryQueue = this.queues.get(queue);
		return (memoryQueue != null) ? memoryQueue.depth() : 0;
	}

	/**
	 * How long the oldest waiting request of a queue has waited.
	 * @param queue the queue
	 * @return its age, {@link Duration#ZERO} when none waits
	 */
	public Duration oldestAge(String queue) {
		MemoryQueue memoryQueue = this.queues.get(queue);
		return (memoryQueue != null) ? memoryQueue.oldestAge() : Duration.ZERO;
	}

	@Override
	public QueueState state(String queue) {
		return new QueueState(depth(queue), oldestAge(queue), 0);
	}

	private MemoryQueue queue(String name) {
		MemoryQueue queue = this.queues.get(name);
		return (queue != null) ? queue : this.queues.computeIfAbsent(name, (key) -> new MemoryQueue(key, this.capacity));
	}

	@Override
	public void close() {
		this.closed = true;
		this.queues.values().forEach(MemoryQueue::close);
	}

}
