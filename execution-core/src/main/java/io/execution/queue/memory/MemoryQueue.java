package io.execution.queue.memory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionRejectedException;
import io.execution.queue.CancelSignal;
import io.execution.queue.QueueDelivery;

/**
 * One in-memory queue. {@code depth} counts the requests still waiting: a cancelled one leaves
 * the count at once and is skipped when a worker reaches it.
 */
final class MemoryQueue {

	private final String name;

	private final int capacity;

	private final LinkedBlockingQueue<Entry> entries = new LinkedBlockingQueue<>();

	private final AtomicInteger depth = new AtomicInteger();

	private final DeadLetters dead;

	MemoryQueue(String name, int capacity, DeadLetters dead) {
		this.name = name;
		this.capacity = capacity;
		this.dead = dead;
	}

	/** Where requests a worker gave up on are kept. */
	interface DeadLetters {

		void keep(String invocationId, byte[] request, String cause);

	}

	CompletableFuture<byte[]> offer(String invocationId, byte[] request, long deadlineNanos,
			java.util.function.Consumer<byte[]> chunks) {
		if (this.depth.incrementAndGet() > this.capacity) {
			this.depth.decrementAndGet();
			throw new ExecutionRejectedException("Queue '" + this.name + "' is full: " + this.capacity
					+ " requests wait already (execution.queue.capacity) [" + invocationId + "]");
		}
		Entry entry = new Entry(this, invocationId, request, deadlineNanos, chunks);
		this.entries.add(entry);
		return entry.result;
	}

	QueueDelivery take(Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			Entry entry = this.entries.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			if (entry == null) {
				return null;
			}
			if (entry.claim()) {
				this.depth.decrementAndGet();
				return entry;
			}
		}
	}

	int depth() {
		return this.depth.get();
	}

	Duration oldestAge() {
		for (Entry entry : this.entries) {
			if (entry.waiting()) {
				return Duration.ofNanos(Math.max(0, System.nanoTime() - entry.enqueuedNanos));
			}
		}
		return Duration.ZERO;
	}

	void close() {
		Entry entry;
		while ((entry = this.entries.poll()) != null) {
			entry.reject(new ExecutionRejectedException("Queue '" + this.name
					+ "' was closed before a worker took the request: the application is shutting down ["
					+ entry.invocationId + "]"));
		}
	}

	void cancelled() {
		this.depth.decrementAndGet();
	}

	/**
	 * A request and its caller's future: PENDING until a worker claims it (RUNNING), then DONE;
	 * or CANCELLED while pending.
	 */
	static final class Entry implements QueueDelivery {

		private static final int PENDING = 0;

		private static final int RUNNING = 1;

		private static final int DONE = 2;

		private static final int CANCELLED = 3;

		private final MemoryQueue queue;

		private final String invocationId;

		private final byte[] request;

		private final long deadlineNanos;

		private final long enqueuedNanos = System.nanoTime();

		private final AtomicInteger state = new AtomicInteger(PENDING);

		private final CompletableFuture<byte[]> result = new CompletableFuture<>();

		private final CancelSignal cancel = new CancelSignal();

		private final java.util.function.Consumer<byte[]> chunks;

		Entry(MemoryQueue queue, String invocationId, byte[] request, long deadlineNanos,
				java.util.function.Consumer<byte[]> chunks) {
			this.chunks = chunks;
			this.queue = queue;
			this.invocationId = invocationId;
			this.request = request;
			this.deadlineNanos = deadlineNanos;
			// The caller's future completes only through reply() unless the caller gave up.
			this.result.whenComplete((value, failure) -> {
				if (failure != null) {
					callerGone();
				}
			});
		}

		boolean claim() {
			return this.state.compareAndSet(PENDING, RUNNING);
		}

		boolean waiting() {
			return this.state.get() == PENDING;
		}

		private void callerGone() {
			if (this.state.compareAndSet(PENDING, CANCELLED)) {
				this.queue.cancelled();
			}
			else if (this.state.get() == RUNNING) {
				this.cancel.fire();
			}
		}

		void reject(RuntimeException failure) {
			if (this.state.compareAndSet(PENDING, CANCELLED)) {
				this.queue.cancelled();
				this.result.completeExceptionally(failure);
			}
		}

		@Override
		public String invocationId() {
			return this.invocationId;
		}

		@Override
		public byte[] request() {
			return this.request;
		}

		@Override
		public long deadlineNanos() {
			return this.deadlineNanos;
		}

		@Override
		public void onCancel(Runnable listener) {
			this.cancel.listen(listener);
		}

		@Override
		public void sendChunk(byte[] chunk) {
			if (this.chunks != null && this.state.get() == RUNNING) {
				this.chunks.accept(chunk);
			}
		}

		@Override
		public void reply(byte[] body) {
			if (this.state.compareAndSet(RUNNING, DONE)) {
				this.result.complete(body);
			}
		}

		@Override
		public void abandon(byte[] body, String cause) {
			if (this.state.get() == RUNNING) {
				this.queue.dead.keep(this.invocationId, this.request, cause);
			}
			reply(body);
		}

	}

}
