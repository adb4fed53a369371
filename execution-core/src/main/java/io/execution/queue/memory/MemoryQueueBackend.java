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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.core.ExecutionEvents;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetterStore;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.queue.QueueLane;
import io.execution.queue.QueueLimits;
import io.execution.queue.QueuedCall;
import io.execution.queue.QueueState;

/**
 * Queues in this JVM's memory: the embedded default, with nothing else to run. Each queue holds
 * at most {@code capacity} waiting requests; a cancelled request is dropped where it waits.
 * Requests do not survive the process: on close, those still waiting are failed with
 * {@link ExecutionRejectedException}.
 */
public final class MemoryQueueBackend implements QueueBackend, DeadLetterStore {

	private final int capacity;

	private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/** The most dead letters kept per queue; past it the oldest are dropped. */
	public static final int DEAD_LETTER_LIMIT = 1000;

	private final Map<String, Deque<DeadLetter>> dead = new ConcurrentHashMap<>();

	private final AtomicLong deadLetterIds = new AtomicLong();

	private final ExecutionEvents events;

	private final ScheduledExecutorService timer;

	/** Requests held until they are due: their due times, by queue. */
	private final Map<String, java.util.Set<Due>> scheduled = new ConcurrentHashMap<>();

	/**
	 * Makes the backend.
	 * @param capacity the most requests one queue holds waiting
	 */
	public MemoryQueueBackend(int capacity) {
		this(capacity, ExecutionEvents.NONE, null);
	}

	/**
	 * Makes the backend, telling of its dead letters, holding scheduled requests on a timer.
	 * @param capacity the most requests one queue holds waiting
	 * @param events hears of dead letters and of scheduled requests' lateness
	 * @param timer puts scheduled requests on their queue when due; {@code null} to schedule none
	 */
	public MemoryQueueBackend(int capacity, ExecutionEvents events, ScheduledExecutorService timer) {
		this.capacity = capacity;
		this.events = events;
		this.timer = timer;
	}

	@Override
	public boolean schedules() {
		return this.timer != null;
	}

	/** Holds a request on the timer until it is due, then puts it on its queue. */
	private CompletableFuture<Envelope> later(String queue, String invocationId, long delayMillis,
			java.util.function.Supplier<CompletableFuture<Envelope>> submit) {
		if (this.timer == null) {
			throw new UnsupportedOperationException("The memory queue backend holds no scheduled requests here");
		}
		if (this.closed) {
			throw new ExecutionRejectedException(
					"Queue '" + queue + "' is closed: the application is shutting down [" + invocationId + "]");
		}
		CompletableFuture<Envelope> result = new CompletableFuture<>();
		Due due = new Due(invocationId, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
		java.util.Set<Due> held = this.scheduled.computeIfAbsent(queue, (key) -> ConcurrentHashMap.newKeySet());
		held.add(due);
		java.util.concurrent.ScheduledFuture<?> timed = this.timer.schedule(() -> {
			held.remove(due);
			if (result.isDone()) {
				return;
			}
			this.events.scheduledStarted(queue, TimeUnit.NANOSECONDS.toMillis(Math.max(0, System.nanoTime() - due.atNanos())));
			try {
				CompletableFuture<Envelope> queued = submit.get();
				queued.whenComplete((body, failure) -> {
					if (failure != null) {
						result.completeExceptionally(failure);
					}
					else {
						result.complete(body);
					}
				});
				result.whenComplete((body, failure) -> {
					if (result.isCancelled()) {
						queued.cancel(true);
					}
				});
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		}, delayMillis, TimeUnit.MILLISECONDS);
		result.whenComplete((body, failure) -> {
			if (result.isCancelled()) {
				timed.cancel(false);
				held.remove(due);
			}
		});
		return result;
	}

	/** A request held until it is due. */
	private record Due(String invocationId, long atNanos) {
	}

	@Override
	public String name() {
		return "memory";
	}

	/** Its workers are this application's: requests travel as tokens, never as text. */
	@Override
	public boolean inJvm() {
		return true;
	}

	/**
	 * Puts a call on its queue: held on the timer first when it is due later; in its lane; its
	 * chunks handed on as they come when it is streamed.
	 */
	@Override
	public CompletableFuture<Envelope> submit(QueuedCall call) {
		if (call.later()) {
			return later(call.queue(), call.invocationId(), call.delayMillis(), () -> offer(call));
		}
		return offer(call);
	}

	private CompletableFuture<Envelope> offer(QueuedCall call) {
		String queue = call.queue();
		String invocationId = call.invocationId();
		if (this.closed) {
			throw new ExecutionRejectedException(
					"Queue '" + queue + "' is closed: the application is shutting down [" + invocationId + "]");
		}
		QueueLane lane = call.lane();
		if (lane.isDefault()) {
			return queue(queue).offer(invocationId, call.request(), call.deadlineNanos(), call.chunks(), call.demand());
		}
		if (!lane.requires().isEmpty()) {
			String unavailable = unavailable(queue, lane.requires());
			if (unavailable != null) {
				throw new ExecutionRejectedException("Call [" + invocationId + "] cannot run: " + unavailable);
			}
		}
		return queue(queue).offer(invocationId, call.request(), call.deadlineNanos(), call.chunks(), call.demand(),
				lane.priority(), lane.fairnessKey());
	}

	/** The tags of this application's pools, by queue: a memory queue's only workers. */
	private final Map<String, Map<String, String>> poolTags = new ConcurrentHashMap<>();

	@Override
	public String unavailable(String queue, Map<String, String> requires) {
		Map<String, String> tags = this.poolTags.get(queue);
		if (tags == null) {
			return "no worker of this application serves queue '" + queue + "' (execution.worker.queues), and a memory"
					+ " queue has no other workers; calls requiring " + QueueLane.requirement(requires) + " cannot run";
		}
		if (!QueueLane.matches(requires, tags)) {
			return "no worker serving queue '" + queue + "' has the tags " + QueueLane.requirement(requires)
					+ " the call requires (this application's execution.worker.tags are "
					+ (tags.isEmpty() ? "empty" : QueueLane.requirement(tags)) + ")";
		}
		return null;
	}

	/** The queues paused now (one JVM: every worker of the backend is here). */
	private final java.util.Set<String> paused = ConcurrentHashMap.newKeySet();

	@Override
	public boolean paused(String queue) {
		return this.paused.contains(queue);
	}

	@Override
	public void pause(String queue, boolean pause) {
		if (pause) {
			this.paused.add(queue);
		}
		else {
			this.paused.remove(queue);
		}
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options) {
		this.poolTags.put(queue, options.tags());
		queue(queue).configure(options);
		return consumer(queue, concurrency, options.limits());
	}

	/**
	 * Opens the worker side of a queue, with no limit.
	 * @param queue the queue
	 * @return a consumer of its requests
	 */
	public QueueConsumer consumer(String queue) {
		MemoryQueue memoryQueue = queue(queue);
		return memoryQueue::take;
	}

	/** The permits of queues with a concurrency limit: one set per queue, shared by every pool of this JVM. */
	private final Map<String, java.util.concurrent.Semaphore> limits = new ConcurrentHashMap<>();

	/** The start rates of queues with a rate limit, shared by every pool of this JVM. */
	private final Map<String, TokenBucket> rates = new ConcurrentHashMap<>();

	private QueueConsumer consumer(String queue, int concurrency, QueueLimits limits) {
		if (!limits.any()) {
			return consumer(queue);
		}
		MemoryQueue memoryQueue = queue(queue);
		java.util.concurrent.Semaphore permits = (limits.maxConcurrent() > 0) ? this.limits.computeIfAbsent(queue,
				(key) -> new java.util.concurrent.Semaphore(limits.maxConcurrent())) : null;
		if (permits != null) {
			this.maxConcurrent.put(queue, limits.maxConcurrent());
		}
		TokenBucket rate = (limits.starts() > 0)
				? this.rates.computeIfAbsent(queue, (key) -> new TokenBucket(limits.starts(), limits.per())) : null;
		return (wait) -> {
			long end = System.nanoTime() + wait.toNanos();
			if (permits != null && !permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
				return null;
			}
			QueueDelivery delivery = null;
			try {
				if (rate == null) {
					delivery = memoryQueue.take(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
				}
				else {
					delivery = takeWithToken(memoryQueue, rate, end);
				}
				return (delivery == null || permits == null) ? delivery : new Limited(delivery, permits);
			}
			finally {
				if (delivery == null && permits != null) {
					permits.release();
				}
			}
		};
	}

	@Override
	public Map<String, Object> limitsInUse(String queue) {
		Map<String, Object> inUse = new java.util.LinkedHashMap<>();
		java.util.concurrent.Semaphore permits = this.limits.get(queue);
		if (permits != null) {
			inUse.put("running", this.maxConcurrent.getOrDefault(queue, 0) - permits.availablePermits());
		}
		TokenBucket rate = this.rates.get(queue);
		if (rate != null) {
			inUse.put("startTokens", rate.available());
		}
		MemoryQueue memoryQueue = this.queues.get(queue);
		if (memoryQueue != null && memoryQueue.keyLimited()) {
			inUse.put("runningByKey", memoryQueue.runningByKey());
		}
		return inUse;
	}

	/** The concurrency limit of each limited queue. */
	private final Map<String, Integer> maxConcurrent = new ConcurrentHashMap<>();

	/**
	 * Takes a request with a start token. The token is held only for short polls, never for the
	 * whole wait, so that idle workers do not hold the bucket's tokens.
	 */
	private static QueueDelivery takeWithToken(MemoryQueue queue, TokenBucket rate, long end)
			throws InterruptedException {
		while (end - System.nanoTime() > 0) {
			if (!awaitToken(rate, end)) {
				return null;
			}
			long poll = Math.min(TOKEN_POLL_NANOS, Math.max(0, end - System.nanoTime()));
			QueueDelivery delivery = queue.take(Duration.ofNanos(poll));
			if (delivery != null) {
				return delivery;
			}
			rate.refund();
		}
		return null;
	}

	/** The longest a worker waits for a request while holding a start token. */
	private static final long TOKEN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** Waits for a start token until {@code end}; {@code false} when none came. */
	private static boolean awaitToken(TokenBucket rate, long end) throws InterruptedException {
		while (true) {
			long pause = rate.take();
			if (pause == 0) {
				return true;
			}
			long left = end - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
		}
	}

	/** A delivery that holds one of its queue's permits until it is answered. */
	private static final class Limited implements QueueDelivery {

		private final QueueDelivery delivery;

		private final java.util.concurrent.Semaphore permits;

		private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

		Limited(QueueDelivery delivery, java.util.concurrent.Semaphore permits) {
			this.delivery = delivery;
			this.permits = permits;
		}

		private void release() {
			if (this.released.compareAndSet(false, true)) {
				this.permits.release();
			}
		}

		@Override
		public String invocationId() {
			return this.delivery.invocationId();
		}

		@Override
		public Envelope request() {
			return this.delivery.request();
		}

		@Override
		public long deadlineNanos() {
			return this.delivery.deadlineNanos();
		}

		@Override
		public void onCancel(Runnable listener) {
			this.delivery.onCancel(listener);
		}

		@Override
		public boolean cancelledBeforeStart() {
			return this.delivery.cancelledBeforeStart();
		}

		@Override
		public void sendChunk(byte[] chunk) {
			this.delivery.sendChunk(chunk);
		}

		@Override
		public void awaitDemand(long chunk) throws InterruptedException {
			this.delivery.awaitDemand(chunk);
		}

		@Override
		public void reply(Envelope result) {
			try {
				this.delivery.reply(result);
			}
			finally {
				release();
			}
		}

		@Override
		public void abandon(Envelope result, String cause) {
			try {
				this.delivery.abandon(result, cause);
			}
			finally {
				release();
			}
		}

		@Override
		public boolean retryLater(byte[] request, long delayMillis, long timeoutMillis) {
			try {
				return this.delivery.retryLater(request, delayMillis, timeoutMillis);
			}
			finally {
				release();
			}
		}

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
	public DeadLetterStore deadLetters() {
		return this;
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
		java.util.Set<Due> held = this.scheduled.get(queue);
		long count = (held != null) ? held.size() : 0;
		Duration next = null;
		if (held != null && !held.isEmpty()) {
			long now = System.nanoTime();
			next = held.stream()
				.map((due) -> Duration.ofNanos(Math.max(0, due.atNanos() - now)))
				.min(Duration::compareTo)
				.orElse(null);
		}
		MemoryQueue memoryQueue = this.queues.get(queue);
		return new QueueState(depth(queue), oldestAge(queue), dead, count, next,
				(memoryQueue != null) ? memoryQueue.laneDepths() : List.of());
	}

	/** Keeps a request a worker gave up on, newest first, at most {@link #DEAD_LETTER_LIMIT} per queue. */
	void deadLettered(String queue, String invocationId, Envelope request, String cause) {
		Deque<DeadLetter> letters = this.dead.computeIfAbsent(queue, (key) -> new ArrayDeque<>());
		DeadLetter letter = new DeadLetter(queue, "m-" + this.deadLetterIds.incrementAndGet(), invocationId, null, null,
				false, cause, 1, Instant.now(), new String(request.bytes(), StandardCharsets.UTF_8));
		synchronized (letters) {
			letters.addFirst(letter);
			while (letters.size() > DEAD_LETTER_LIMIT) {
				letters.removeLast();
			}
		}
		this.events.deadLettered(queue, invocationId, request.bytes(), cause);
	}

	@Override
	public List<DeadLetter> list(String queue, int offset, int limit) {
		Deque<DeadLetter> letters = this.dead.get(queue);
		if (letters == null) {
			return List.of();
		}
		synchronized (letters) {
			return letters.stream().skip(offset).limit(limit).toList();
		}
	}

	@Override
	public Optional<DeadLetter> find(String queue, String id) {
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
			submit(QueuedCall.of(queue, letter.invocationId(), letter.request().getBytes(StandardCharsets.UTF_8),
					System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), false));
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
				: this.queues.computeIfAbsent(name, (key) -> new MemoryQueue(key, this.capacity, new MemoryQueue.Backend() {

					@Override
					public void keep(String invocationId, Envelope request, String cause) {
						deadLettered(key, invocationId, request, cause);
					}

					@Override
					public CompletableFuture<Envelope> later(String invocationId, Envelope request, long delayMillis,
							long timeoutMillis, int priority, String fairnessKey) {
						return retried(key, invocationId, request, delayMillis, timeoutMillis, priority, fairnessKey);
					}

				}));
	}

	/**
	 * The next attempt of a call whose service threw, held on the timer until due, then in its
	 * lane with the time it has once due; {@code null} when nothing is held here.
	 */
	private CompletableFuture<Envelope> retried(String queue, String invocationId, Envelope request, long delayMillis,
			long timeoutMillis, int priority, String fairnessKey) {
		if (this.timer == null || this.closed) {
			return null;
		}
		return later(queue, invocationId, delayMillis, () -> {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
			return (priority == 0 && fairnessKey == null)
					? queue(queue).offer(invocationId, request, deadline, null, null)
					: queue(queue).offer(invocationId, request, deadline, null, null, priority, fairnessKey);
		});
	}

	@Override
	public void close() {
		this.closed = true;
		this.queues.values().forEach(MemoryQueue::close);
	}

}
