package io.execution.queue.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.execution.ExecutionRejectedException;
import io.execution.core.ExecutionEvents;
import io.execution.queue.DeadLetter;
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

	/** The most dead letters kept per queue; past it the oldest are dropped. */
	public static final int DEAD_LETTER_LIMIT = 1000;

	private final Map<String, Deque<DeadLetter>> dead = new ConcurrentHashMap<>();

	private final AtomicLong deadLetterIds = new AtomicLong();

	private final ExecutionEvents events;

	/**
	 * Makes the backend.
	 * @param capacity the most requests one queue holds waiting
	 */
	public MemoryQueueBackend(int capacity) {
		this(capacity, ExecutionEvents.NONE);
	}

	/**
	 * Makes the backend, telling of its dead letters.
	 * @param capacity the most requests one queue holds waiting
	 * @param events hears of dead letters
	 */
	public MemoryQueueBackend(int capacity, ExecutionEvents events) {
		this.capacity = capacity;
		this.events = events;
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
		Deque<DeadLetter> letters = this.dead.get(queue);
		int dead;
		if (letters == null) {
			dead = 0;
		}
		else {
			synchronized (letters) {
				dead = letters.size();
			}
		}
		return new QueueState(depth(queue), oldestAge(queue), dead);
	}

	/** Keeps a request a worker gave up on, newest first, at most {@link #DEAD_LETTER_LIMIT} per queue. */
	void deadLettered(String queue, String invocationId, byte[] request, String cause) {
		Deque<DeadLetter> letters = this.dead.computeIfAbsent(queue, (key) -> new ArrayDeque<>());
		DeadLetter letter = new DeadLetter(queue, "m-" + this.deadLetterIds.incrementAndGet(), invocationId, null, null,
				false, cause, 1, Instant.now(), new String(request, StandardCharsets.UTF_8));
		synchronized (letters) {
			letters.addFirst(letter);
			while (letters.size() > DEAD_LETTER_LIMIT) {
				letters.removeLast();
			}
		}
		this.events.deadLettered(queue, invocationId, request, cause);
	}

	@Override
	public List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		Deque<DeadLetter> letters = this.dead.get(queue);
		if (letters == null) {
			return List.of();
		}
		synchronized (letters) {
			return letters.stream().skip(offset).limit(limit).toList();
		}
	}

	@Override
	public Optional<DeadLetter> deadLetter(String queue, String id) {
		Deque<DeadLetter> letters = this.dead.get(queue);
		if (letters == null) {
			return Optional.empty();
		}
		synchronized (letters) {
			return letters.stream().filter((letter) -> letter.id().equals(id)).findFirst();
		}
	}

	@Override
	public boolean requeue(String queue, String id, long timeoutMillis) {
		Deque<DeadLetter> letters = this.dead.get(queue);
		if (letters == null) {
			return false;
		}
		DeadLetter letter;
		synchronized (letters) {
			letter = letters.stream().filter((candidate) -> candidate.id().equals(id)).findFirst().orElse(null);
			if (letter == null) {
				return false;
			}
			letters.remove(letter);
		}
		try {
			submit(queue, letter.invocationId(), letter.request().getBytes(StandardCharsets.UTF_8),
					System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), false);
			return true;
		}
		catch (RuntimeException ex) {
			synchronized (letters) {
				letters.addFirst(letter);
			}
			throw ex;
		}
	}

	@Override
	public long purge(String queue, String id) {
		Deque<DeadLetter> letters = this.dead.get(queue);
		if (letters == null) {
			return 0;
		}
		synchronized (letters) {
			int before = letters.size();
			if (id == null) {
				letters.clear();
			}
			else {
				letters.removeIf((letter) -> letter.id().equals(id));
			}
			return before - letters.size();
		}
	}

	private MemoryQueue queue(String name) {
		MemoryQueue queue = this.queues.get(name);
		return (queue != null) ? queue
				: this.queues.computeIfAbsent(name, (key) -> new MemoryQueue(key, this.capacity,
						(invocationId, request, cause) -> deadLettered(key, invocationId, request, cause)));
	}

	@Override
	public void close() {
		this.closed = true;
		this.queues.values().forEach(MemoryQueue::close);
	}

}
