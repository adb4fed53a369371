package io.execution.queue.memory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.queue.CancelSignal;
import io.execution.queue.QueueDelivery;
import io.execution.queue.StreamDemand;

/**
 * One in-memory queue. {@code depth} counts the requests still waiting: a cancelled one leaves
 * the count at once and is skipped when a worker reaches it.
 */
final class MemoryQueue {

	private final String name;

	private final int capacity;

	private final LinkedBlockingQueue<Entry> entries = new LinkedBlockingQueue<>();

	private final AtomicInteger depth = new AtomicInteger();

	private final Backend dead;

	/**
	 * Requests waiting in lanes other than the plain one (priority, fairness key); 0 keeps the
	 * plain path alone. Changed under the lanes' lock only, and a field of this object rather
	 * than an atomic of its own: it must not share a cache line with {@code depth}, which every
	 * plain call writes.
	 */
	private volatile int laned;

	/** The lanes other than the plain one; guarded by itself. */
	private final Lanes lanes = new Lanes();

	/** What each fairness key uses of its per-key limits; guarded by the lanes' lock. */
	private final KeyUse keys = new KeyUse();

	/**
	 * When the soonest key held back by its rate has a token again ({@link System#nanoTime()}),
	 * 0 for none: the last look at the lanes sets it.
	 */
	private volatile long nextKeyToken;

	/** Put in the plain queue to wake a worker waiting on it when a request joins another lane. */
	private final Entry wake;

	private volatile io.execution.queue.ConsumerOptions options = io.execution.queue.ConsumerOptions.DEFAULT;

	MemoryQueue(String name, int capacity, Backend dead) {
		this.name = name;
		this.capacity = capacity;
		this.dead = dead;
		this.wake = new Entry(this, "", Envelope.of(new byte[0]), 0, null, null);
		this.wake.state.set(Entry.DONE);
	}

	/** How this JVM's workers take requests (weights, aging): they are the same for every pool of the application. */
	void configure(io.execution.queue.ConsumerOptions options) {
		this.options = options;
	}

	/** What the backend does for its queues: keep what a worker gave up on, hold a retry until due. */
	interface Backend {

		void keep(String invocationId, Envelope request, String cause);

		/** The next attempt's result to come, or {@code null} when nothing is held until due. */
		CompletableFuture<Envelope> later(String invocationId, Envelope request, long delayMillis, long timeoutMillis,
				int priority, String fairnessKey);

	}

	CompletableFuture<Envelope> offer(String invocationId, Envelope request, long deadlineNanos,
			java.util.function.Consumer<byte[]> chunks, StreamDemand demand) {
		Entry entry = admit(invocationId, request, deadlineNanos, chunks, demand);
		this.entries.add(entry);
		return entry.result;
	}

	/** A new entry, counted in the depth, unless the queue holds its capacity already. */
	private Entry admit(String invocationId, Envelope request, long deadlineNanos,
			java.util.function.Consumer<byte[]> chunks, StreamDemand demand) {
		if (this.depth.incrementAndGet() > this.capacity) {
			this.depth.decrementAndGet();
			throw new ExecutionRejectedException("Queue '" + this.name + "' is full: " + this.capacity
					+ " requests wait already (execution.queue.capacity) [" + invocationId + "]");
		}
		return new Entry(this, invocationId, request, deadlineNanos, chunks, demand);
	}

	/**
	 * Puts a request in a lane: by priority, then by fairness key in turn. A worker waiting on the
	 * plain queue is woken to look.
	 */
	CompletableFuture<Envelope> offer(String invocationId, Envelope request, long deadlineNanos,
			java.util.function.Consumer<byte[]> chunks, StreamDemand demand, int priority, String key) {
		Entry entry = admit(invocationId, request, deadlineNanos, chunks, demand);
		entry.priority = priority;
		entry.fairnessKey = key;
		synchronized (this.lanes) {
			this.lanes.add(priority, (key != null) ? key : "", entry);
			this.laned++;
		}
		this.entries.add(this.wake);
		return entry.result;
	}

	QueueDelivery take(Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			long until = deadline;
			if (this.laned > 0) {
				Entry entry = takeLaned();
				if (entry != null) {
					return entry;
				}
				// A key over its rate has its next token at a time no wake-up marks: look again then.
				long token = this.nextKeyToken;
				if (token != 0 && token - until < 0) {
					until = token;
				}
			}
			Entry entry = this.entries.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
			if (entry == null) {
				if (until != deadline && deadline - System.nanoTime() > 0) {
					continue;
				}
				return null;
			}
			if (entry.claim()) {
				this.depth.decrementAndGet();
				return entry;
			}
		}
	}

	/**
	 * Since when the plain queue's calls have gone unserved: its last take, or its oldest waiting
	 * call's arrival when that is later — so that a quiet spell with nothing waiting does not
	 * count as waiting.
	 */
	private long plainWaitingSince() {
		long since = this.lanes.plainServed;
		for (Entry entry : this.entries) {
			if (entry != this.wake && entry.waiting()) {
				return (entry.enqueuedNanos - since > 0) ? entry.enqueuedNanos : since;
			}
		}
		return System.nanoTime();
	}

	/** The next plain request, without waiting; wake-ups and cancelled requests are passed over. */
	private Entry pollPlain() {
		Entry entry;
		while ((entry = this.entries.poll()) != null) {
			if (entry.claim()) {
				this.depth.decrementAndGet();
				return entry;
			}
		}
		return null;
	}

	/**
	 * The next request by priority (the plain queue is priority 0, taken in turn with the keys
	 * at 0), with a level not served for the aging period taken first.
	 */
	private Entry takeLaned() {
		io.execution.queue.ConsumerOptions options = this.options;
		synchronized (this.lanes) {
			this.nextKeyToken = 0;
			long now = System.nanoTime();
			long aging = options.priorityAging().toNanos();
			if (aging > 0) {
				Integer top = this.lanes.levels.isEmpty() ? null : this.lanes.levels.firstKey();
				for (Level level : new java.util.ArrayList<>(this.lanes.levels.values())) {
					if (top != null && level.priority != top && now - level.served >= aging) {
						Entry entry = level.take(this, options);
						if (entry != null) {
							return entry;
						}
					}
				}
				if (top != null && top > 0 && now - plainWaitingSince() >= aging && !this.lanes.levels.containsKey(0)) {
					Entry entry = pollPlain();
					if (entry != null) {
						this.lanes.plainServed = now;
						return entry;
					}
				}
			}
			boolean plainTried = false;
			for (Level level : new java.util.ArrayList<>(this.lanes.levels.values())) {
				if (level.priority < 0 && !plainTried) {
					plainTried = true;
					Entry entry = pollPlain();
					if (entry != null) {
						this.lanes.plainServed = now;
						return entry;
					}
				}
				Entry entry = level.take(this, options);
				if (entry != null) {
					return entry;
				}
				plainTried |= level.priority == 0;
			}
			if (!plainTried) {
				Entry entry = pollPlain();
				if (entry != null) {
					this.lanes.plainServed = now;
				}
				return entry;
			}
			return null;
		}
	}

	/** Depth by lane, for the state of the queue. */
	java.util.List<io.execution.queue.LaneDepth> laneDepths() {
		synchronized (this.lanes) {
			java.util.List<io.execution.queue.LaneDepth> depths = new java.util.ArrayList<>();
			for (Level level : this.lanes.levels.values()) {
				level.keys.forEach((key, entries) -> {
					if (depths.size() < 100) {
						depths.add(new io.execution.queue.LaneDepth(level.priority, key.isEmpty() ? null : key, "",
								entries.stream().filter(Entry::waiting).count()));
					}
				});
			}
			return depths;
		}
	}

	/** The lanes other than the plain one: levels by priority, highest first. */
	private static final class Lanes {

		private final java.util.TreeMap<Integer, Level> levels = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());

		private long plainServed = System.nanoTime();

		void add(int priority, String key, Entry entry) {
			this.levels.computeIfAbsent(priority, Level::new).add(key, entry);
		}

	}

	/** One priority's requests: by fairness key, the keys taken in turn (the plain queue is one of them at 0). */
	private static final class Level {

		private final int priority;

		private final java.util.Map<String, java.util.ArrayDeque<Entry>> keys = new java.util.HashMap<>();

		private final java.util.ArrayDeque<String> ring = new java.util.ArrayDeque<>();

		private int servedInTurn;

		private long served = System.nanoTime();

		Level(int priority) {
			this.priority = priority;
			if (priority == 0) {
				this.ring.add(PLAIN);
			}
		}

		void add(String key, Entry entry) {
			java.util.ArrayDeque<Entry> entries = this.keys.get(key);
			if (entries == null) {
				entries = new java.util.ArrayDeque<>();
				this.keys.put(key, entries);
				this.ring.addLast(key);
			}
			entries.addLast(entry);
		}

		/** Takes the next request of this level, keys in turn by weight; {@code null} when none waits. */
		Entry take(MemoryQueue queue, io.execution.queue.ConsumerOptions options) {
			int turns = this.ring.size();
			for (int i = 0; i < turns; i++) {
				String key = this.ring.peekFirst();
				Entry entry;
				boolean empty;
				if (PLAIN.equals(key)) {
					entry = queue.pollPlain();
					empty = false;
					if (entry != null) {
						queue.lanes.plainServed = System.nanoTime();
					}
				}
				else if (!queue.keys.mayStart(key, options.limits().perKey())) {
					// The key is at its limit: its calls wait in their lane, the other keys take their turn.
					entry = null;
					empty = false;
				}
				else {
					java.util.ArrayDeque<Entry> entries = this.keys.get(key);
					entry = null;
					while (entry == null && !entries.isEmpty()) {
						Entry next = entries.pollFirst();
						queue.laned--;
						if (next.claim()) {
							queue.depth.decrementAndGet();
							entry = next;
						}
					}
					queue.keys.started(key, entry, options.limits().perKey());
					empty = entries.isEmpty();
					if (empty) {
						this.keys.remove(key);
					}
				}
				if (entry != null) {
					this.served = System.nanoTime();
					this.servedInTurn++;
					if (empty) {
						this.ring.pollFirst();
						this.servedInTurn = 0;
					}
					else if (this.servedInTurn >= options.weight(PLAIN.equals(key) ? null : key)) {
						this.ring.addLast(this.ring.pollFirst());
						this.servedInTurn = 0;
					}
					cleanUp(queue);
					return entry;
				}
				this.servedInTurn = 0;
				if (empty) {
					this.ring.pollFirst();
				}
				else {
					this.ring.addLast(this.ring.pollFirst());
				}
			}
			cleanUp(queue);
			return null;
		}

		/** A level with no key left is dropped. */
		private void cleanUp(MemoryQueue queue) {
			if (this.keys.isEmpty()) {
				queue.lanes.levels.remove(this.priority);
			}
		}

	}

	/**
	 * Each fairness key's calls running and start tokens, under per-key limits; guarded by the
	 * lanes' lock. A key's count goes up when a worker takes its call and down when that attempt
	 * ends (answered, given up, or held for a retry), whichever worker of this JVM ran it.
	 */
	private final class KeyUse {

		private final java.util.Map<String, int[]> running = new java.util.HashMap<>();

		private final java.util.Map<String, TokenBucket> rates = new java.util.HashMap<>();

		/** Whether a call of the key may start now; a start token, when one is needed, is taken. */
		boolean mayStart(String key, io.execution.queue.KeyLimits limits) {
			if (!limits.any()) {
				return true;
			}
			int[] count = this.running.get(key);
			if (limits.maxConcurrent() > 0 && count != null && count[0] >= limits.maxConcurrent()) {
				return false;
			}
			if (limits.starts() > 0) {
				long pause = this.rates.computeIfAbsent(key, (k) -> new TokenBucket(limits.starts(), limits.per())).take();
				if (pause > 0) {
					long at = System.nanoTime() + pause;
					if (MemoryQueue.this.nextKeyToken == 0 || at - MemoryQueue.this.nextKeyToken < 0) {
						MemoryQueue.this.nextKeyToken = at;
					}
					return false;
				}
			}
			return true;
		}

		/** A call of the key taken ({@code null}: none was, its token goes back). */
		void started(String key, Entry entry, io.execution.queue.KeyLimits limits) {
			if (!limits.any()) {
				return;
			}
			if (entry == null) {
				TokenBucket rate = this.rates.get(key);
				if (rate != null) {
					rate.refund();
				}
				return;
			}
			if (limits.maxConcurrent() > 0) {
				this.running.computeIfAbsent(key, (k) -> new int[1])[0]++;
				entry.heldKey = key;
			}
			if (this.rates.size() > 10_000) {
				this.rates.values().removeIf((rate) -> rate.available() >= limits.starts());
			}
		}

		/** An attempt of a call that counted for its key ended. */
		void ended(String key) {
			int[] count = this.running.get(key);
			if (count != null && --count[0] <= 0) {
				this.running.remove(key);
			}
		}

		/** The calls running per key, at most 100 keys, the busiest first. */
		java.util.Map<String, Long> running() {
			java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
			this.running.entrySet()
				.stream()
				.sorted((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]))
				.limit(100)
				.forEach((e) -> out.put(e.getKey(), (long) e.getValue()[0]));
			return out;
		}

	}

	/** An attempt that counted for its key's limit ended: a call of the key waiting may start now. */
	private void keyEnded(Entry entry) {
		synchronized (this.lanes) {
			String key = entry.heldKey;
			if (key == null) {
				return;
			}
			entry.heldKey = null;
			this.keys.ended(key);
		}
		if (this.laned > 0) {
			this.entries.add(this.wake);
		}
	}

	/** Whether its workers hold each fairness key to a concurrency limit. */
	boolean keyLimited() {
		return this.options.limits().perKey().maxConcurrent() > 0;
	}

	/**
	 * The calls of each fairness key running now, under a per-key concurrency limit.
	 * @return calls by key, at most 100 keys
	 */
	java.util.Map<String, Long> runningByKey() {
		synchronized (this.lanes) {
			return this.keys.running();
		}
	}

	/** The plain queue's place in the turn of priority 0's keys. */
	private static final String PLAIN = "\u0000plain";

	int depth() {
		return this.depth.get();
	}

	Duration oldestAge() {
		for (Entry entry : this.entries) {
			if (entry != this.wake && entry.waiting()) {
				return Duration.ofNanos(Math.max(0, System.nanoTime() - entry.enqueuedNanos));
			}
		}
		return Duration.ZERO;
	}

	void close() {
		Entry entry;
		synchronized (this.lanes) {
			this.lanes.levels.values().forEach((level) -> level.keys.values().forEach(this.entries::addAll));
			this.lanes.levels.clear();
			this.laned = 0;
		}
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

		private final Envelope request;

		private final long deadlineNanos;

		private final long enqueuedNanos = System.nanoTime();

		private final AtomicInteger state = new AtomicInteger(PENDING);

		private final CompletableFuture<Envelope> result = new CompletableFuture<>();

		private final CancelSignal cancel = new CancelSignal();

		private final java.util.function.Consumer<byte[]> chunks;

		private final StreamDemand demand;

		/** Its lane, set before it is published to a worker; a retry goes back to it. */
		private int priority;

		private String fairnessKey;

		/** The key whose concurrency limit this attempt counts in, until it ends; guarded by the lanes' lock. */
		private volatile String heldKey;

		Entry(MemoryQueue queue, String invocationId, Envelope request, long deadlineNanos,
				java.util.function.Consumer<byte[]> chunks, StreamDemand demand) {
			this.chunks = chunks;
			this.demand = demand;
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
		public Envelope request() {
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
		public void awaitDemand(long chunk) throws InterruptedException {
			if (this.demand != null) {
				this.demand.await(chunk);
			}
		}

		@Override
		public void reply(Envelope body) {
			ended();
			if (this.state.compareAndSet(RUNNING, DONE)) {
				this.result.complete(body);
			}
		}

		/** This attempt no longer counts for its key's limit. */
		private void ended() {
			if (this.heldKey != null) {
				this.queue.keyEnded(this);
			}
		}

		@Override
		public boolean retryLater(byte[] next, long delayMillis, long timeoutMillis) {
			if (this.state.get() != RUNNING) {
				return false;
			}
			CompletableFuture<Envelope> later = this.queue.dead.later(this.invocationId, Envelope.of(next), delayMillis, timeoutMillis,
					this.priority, this.fairnessKey);
			if (later == null) {
				return false;
			}
			ended();
			// The caller still waits on this entry's future: the next attempt answers it, or the caller's
			// giving up cancels the next attempt.
			later.whenComplete((body, failure) -> {
				if (failure == null) {
					reply(body);
				}
				else if (this.state.compareAndSet(RUNNING, DONE)) {
					this.result.completeExceptionally(failure);
				}
			});
			this.result.whenComplete((body, failure) -> {
				if (failure != null) {
					later.cancel(true);
				}
			});
			return true;
		}

		@Override
		public void abandon(Envelope body, String cause) {
			if (this.state.get() == RUNNING) {
				this.queue.dead.keep(this.invocationId, this.request, cause);
			}
			reply(body);
		}

	}

}
