package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.queue.ConsumerOptions;
import io.execution.queue.KeyLimits;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.queue.QueueLimits;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of one Redis queue. A reader thread takes requests in batches no larger than
 * the pool's free threads (so that work is not held away from other workers), takes over the
 * requests of workers that died, renews the lease on what runs here, and looks for callers'
 * cancellations of it.
 */
final class RedisQueueConsumer implements QueueConsumer {

	private static final Logger logger = LoggerFactory.getLogger(RedisQueueConsumer.class);


	private final RedisQueueBackend backend;

	private final RedisQueueSettings settings;

	private final String queue;

	private final int concurrency;

	private final String stream;

	private final Consumer<String> consumer;

	private final LinkedBlockingQueue<RedisDelivery> ready = new LinkedBlockingQueue<>();

	private final Set<RedisDelivery> running = ConcurrentHashMap.newKeySet();

	private static final long MAINTENANCE_MILLIS = 50;

	private static final long READ_BLOCK_MILLIS = 1000;

	private final AtomicBoolean reading = new AtomicBoolean();

	private volatile boolean open = true;

	private volatile boolean groupReady;

	private volatile RedisClusterAsyncCommands<String, byte[]> blocking;

	private ScheduledFuture<?> maintenance;

	/** Whether a move of due requests is on its way (one at a time). */
	private final java.util.concurrent.atomic.AtomicBoolean moving = new java.util.concurrent.atomic.AtomicBoolean();


	private long nextForget;




	/** The queue's limits across all workers. */
	private final QueueLimits limits;

	/** Whether any limit applies: then requests are read only with slots (and start tokens) granted. */
	private final boolean limited;

	/** The queue's global concurrency slots and start tokens this consumer holds (with a limit). */
	private final RedisSlots slots;

	/** Renews the leases of what runs here, sees its cancellations, takes over what stopped workers held. */
	private final RedisLeases leases;

	/** The stream requests taken from lanes move to (leased and acknowledged there). */
	private final String laned;

	/** Finishes what this worker is done with, in batches. */
	private final RedisCompleter completions;

	/** The queue's other keys, named once rather than per call. */
	private final String attempts;





	private final String laneBase;

	/**
	 * When requests were last seen in lanes (nanoTime): for {@link #LANE_MODE_NANOS} after, reads
	 * take by priority and key through a script rather than from the plain stream alone.
	 */
	private volatile long lanesSeen = System.nanoTime() - 2 * LANE_MODE_NANOS;

	/** How long a worker keeps taking by priority after it last saw requests in lanes. */
	private static final long LANE_MODE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private boolean laneMode() {
		return System.nanoTime() - this.lanesSeen < LANE_MODE_NANOS;
	}

	private void lanesSeen() {
		this.lanesSeen = System.nanoTime();
	}

	/** The arguments of the take script after the wanted count: aging, ttl, per-key limits, this worker's tags, the fairness weights. */
	private final List<String> takeTail = new ArrayList<>();

	RedisQueueConsumer(RedisQueueBackend backend, String queue, int concurrency, ConsumerOptions options) {
		QueueLimits limits = options.limits();
		this.limits = limits;
		this.limited = limits.any();
		this.laned = backend.settings().laned(queue);
		this.attempts = backend.settings().attempts(queue);
		this.laneBase = backend.settings().laneBase(queue);
		this.takeTail.add(String.valueOf(options.priorityAging().toMillis()));
		this.takeTail.add(String.valueOf(backend.settings().retention().toMillis()));
		KeyLimits perKey = limits.perKey();
		this.takeTail.add(String.valueOf(perKey.maxConcurrent()));
		this.takeTail.add(String.valueOf(perKey.starts()));
		this.takeTail.add(String.valueOf(perKey.per().toMillis()));
		this.takeTail.add(String.valueOf(options.tags().size()));
		options.tags().forEach((name, value) -> {
			this.takeTail.add(name);
			this.takeTail.add(value);
		});
		options.weights().forEach((key, weight) -> {
			this.takeTail.add(key);
			this.takeTail.add(String.valueOf(weight));
		});
		this.backend = backend;
		this.settings = backend.settings();
		this.queue = queue;
		this.concurrency = concurrency;
		this.stream = this.settings.requests(queue);
		this.consumer = Consumer.from(RedisQueueSettings.GROUP, backend.processName());
		this.completions = new RedisCompleter(backend, queue);
		this.slots = new RedisSlots(backend, queue, this.consumer.getName(), limits);
		this.leases = new RedisLeases(backend, queue, this.consumer, this.completions, this.slots);
	}

	@Override
	public QueueDelivery take(Duration wait) throws InterruptedException {
		start();
		RedisDelivery delivery = this.ready.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
		if (delivery != null) {
			this.running.add(delivery);
		}
		return delivery;
	}

	private void start() {
		if (this.blocking == null && System.nanoTime() - this.nextConnect >= 0) {
			synchronized (this) {
				if (this.blocking == null && this.open && System.nanoTime() - this.nextConnect >= 0) {
					try {
						this.blocking = this.backend.connections().dedicatedBinary();
					}
					catch (RuntimeException ex) {
						// Redis is not there yet: the pool's threads keep polling, one of them connects later.
						this.nextConnect = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
						if (!this.connectFailed) {
							logger.warn("Queue '{}': cannot connect to Redis to read requests ({}); trying again every"
									+ " second", this.queue, ex.toString());
						}
						this.connectFailed = true;
						return;
					}
					if (this.connectFailed) {
						logger.info("Queue '{}': connected to Redis, reading requests", this.queue);
					}
					this.maintenance = this.backend.maintenance()
						.scheduleWithFixedDelay(this::maintainQuietly, 0, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
				}
			}
		}
	}

	private volatile long nextConnect = System.nanoTime();

	private boolean connectFailed;

	/**
	 * Asks Redis for as many requests as the pool has free threads, unless a read is waiting
	 * already. No thread of its own: the read is issued by whoever frees capacity (a worker
	 * finishing, the last read answering, the maintenance tick), and its answer is handed to the
	 * worker threads straight from Lettuce's I/O thread.
	 */
	private void read() {
		RedisClusterAsyncCommands<String, byte[]> redis = this.blocking;
		if (!this.open || !this.groupReady || redis == null || free() <= 0 || reclaimDue()
				|| !this.reading.compareAndSet(false, true)) {
			return;
		}
		int free = free();
		if (free <= 0) {
			this.reading.set(false);
			return;
		}
		if (!this.limited) {
			if (laneMode()) {
				take(redis, free);
			}
			else {
				readUpTo(redis, free);
			}
			return;
		}
		// With a global limit: only as many as the slots granted; none granted, the next tick asks again.
		this.slots.acquire(free).whenComplete((granted, failure) -> {
			if (failure != null || granted == null || granted <= 0 || !this.open) {
				this.reading.set(false);
				this.slots.reconcile();
				return;
			}
			this.slots.granted(granted.intValue());
			if (laneMode()) {
				take(redis, granted.intValue());
			}
			else {
				readUpTo(redis, granted.intValue());
			}
		});
	}

	/**
	 * Takes up to {@code count} requests by priority, fairness key and requirement with one
	 * script (plain requests take their turn at priority 0). When none is there for this worker,
	 * it waits on the plain stream, where a request staged meanwhile leaves a wake entry; when
	 * only requests for other workers' tags or of keys at their limits wait, the next
	 * maintenance tick looks again.
	 */
	private void take(RedisClusterAsyncCommands<String, byte[]> blocking, int count) {
		List<String> args = new ArrayList<>(this.takeTail.size() + 4);
		args.add(this.laneBase);
		args.add(RedisQueueSettings.GROUP);
		args.add(this.consumer.getName());
		args.add(String.valueOf(count));
		args.addAll(this.takeTail);
		CompletableFuture<List<Object>> answer;
		try {
			answer = RedisScripts.TAKE.run(this.backend.connections().shared(), new String[] { this.stream, this.laned },
					args.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		answer.whenComplete((result, failure) -> {
			int got = 0;
			boolean unserved = false;
			if (failure != null) {
				if (String.valueOf(failure.getMessage()).contains("NOGROUP")) {
					this.groupReady = false;
				}
				if (this.open) {
					logger.debug("Queue '{}': taking from its lanes failed; trying again: {}", this.queue,
							failure.toString());
				}
			}
			else {
				List<?> flags = (List<?>) result.get(0);
				unserved = ((Number) flags.get(0)).intValue() == 1;
				if (((Number) flags.get(1)).intValue() == 1) {
					lanesSeen();
				}
				for (int i = 1; i < result.size(); i++) {
					List<?> entry = (List<?>) result.get(i);
					String from = (((Number) entry.get(0)).intValue() == 1) ? this.stream : this.laned;
					Map<String, String> fields = fields((List<?>) entry.get(2));
					byte[] body = takeBody(fields);
					got++;
					if (this.open) {
						acceptSafely(from, (String) entry.get(1), fields, body, 0);
					}
					else {
						giveBack(from, (String) entry.get(1), fields, body);
					}
				}
			}
			this.slots.read(got);
			if (this.open && failure == null && got == 0 && !unserved && count > 0) {
				// Nothing for this worker: wait on the plain stream (still reading), woken by what comes.
				readUpTo(blocking, count);
				return;
			}
			this.reading.set(false);
			this.slots.readEnded(0);
			if (!this.open) {
				this.backend.connections().release(blocking);
				returnUnstarted();
			}
			else if (failure == null && got > 0) {
				read();
			}
		});
	}

	private void readUpTo(RedisClusterAsyncCommands<String, byte[]> redis, int count) {
		RedisFuture<List<StreamMessage<String, byte[]>>> answer;
		try {
			// Under a rate limit the read does not wait: its start tokens are held for one round trip
			// only, never while idle (the next tick reads again), so the bucket's bound holds.
			XReadArgs read = (this.limits.starts() > 0) ? XReadArgs.Builder.count(count)
					: XReadArgs.Builder.block(READ_BLOCK_MILLIS).count(count);
			answer = redis.xreadgroup(this.consumer, read, XReadArgs.StreamOffset.lastConsumed(this.stream));
		}
		catch (RuntimeException ex) {
			// The connection closed under us: the next maintenance tick tries again, if still open.
			this.reading.set(false);
			this.slots.readEnded(0);
			return;
		}
		answer.whenComplete((messages, failure) -> {
			if (failure != null) {
				if (String.valueOf(failure.getMessage()).contains("NOGROUP")) {
					this.groupReady = false;
				}
				if (this.open) {
					logger.debug("Queue '{}': reading from Redis failed; trying again: {}", this.queue,
							failure.toString());
				}
			}
			int requests = 0;
			if (failure == null && messages != null) {
				for (StreamMessage<String, byte[]> message : messages) {
					if (message.getBody().containsKey(WAKE)) {
						// A request was staged in a lane: take by priority from now on.
						dropWake(this.stream, message.getId());
						lanesSeen();
						continue;
					}
					requests++;
					// The request stays the bytes Redis holds; the other fields are short text.
					Map<String, String> fields = new HashMap<>();
					byte[] body = null;
					for (Map.Entry<String, byte[]> field : message.getBody().entrySet()) {
						if (BODY.equals(field.getKey())) {
							body = field.getValue();
						}
						else {
							fields.put(field.getKey(), new String(field.getValue(), StandardCharsets.UTF_8));
						}
					}
					if (this.open) {
						acceptSafely(this.stream, message.getId(), fields, body, 0);
					}
					else {
						giveBack(this.stream, message.getId(), fields, body);
					}
				}
			}
			this.reading.set(false);
			this.slots.readEnded(requests);
			if (!this.open) {
				this.backend.connections().release(redis);
				returnUnstarted();
			}
			else if (failure == null && (this.limits.starts() <= 0 || (messages != null && !messages.isEmpty()))) {
				read();
			}
			// After a failure the next maintenance tick reads again.
		});
	}

	/** The field of a plain stream entry that only wakes a worker to look at the lanes. */
	static final String WAKE = "wake";

	/** Acknowledges and deletes a wake entry. */
	private void dropWake(String from, String entryId) {
		RedisClusterAsyncCommands<String, String> redis = this.backend.connections().shared();
		redis.xack(from, RedisQueueSettings.GROUP, entryId);
		redis.xdel(from, entryId);
	}

	/**
	 * Whether requests of stopped workers may be waiting to be taken over: they are older than
	 * anything new, so freed capacity goes to them first (the maintenance tick takes them, then
	 * reads on).
	 */
	private boolean reclaimDue() {
		return this.leases.reclaimDue(System.nanoTime());
	}

	private int free() {
		return this.concurrency - this.running.size() - this.ready.size();
	}

	private void maintainQuietly() {
		if (!this.open) {
			return;
		}
		try {
			if (!this.groupReady) {
				createGroup(this.backend.connections().shared());
				this.backend.clock().sampleOnce();
				this.groupReady = true;
			}
			maintain();
			read();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			if (this.open) {
				logger.debug("Queue '{}': looking after leases and cancellations failed; trying again: {}",
						this.queue, ex.toString());
			}
		}
	}

	private void createGroup(RedisClusterAsyncCommands<String, String> redis) throws Exception {
		for (String each : List.of(this.stream, this.laned)) {
			try {
				redis.xgroupCreate(XReadArgs.StreamOffset.from(each, "0"), RedisQueueSettings.GROUP,
						XGroupCreateArgs.Builder.mkstream()).get(10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof RedisBusyException)
						&& !String.valueOf(ex.getMessage()).contains("BUSYGROUP")) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Reclaims dead workers' requests, renews leases and checks for cancellations, each when due.
	 */
	private void maintain() throws Exception {
		long now = System.nanoTime();
		RedisClusterAsyncCommands<String, String> redis = this.backend.connections().shared();
		this.leases.tick(now, this.running);
		if (now - this.nextForget >= 0) {
			this.nextForget = now + Math.max(TimeUnit.SECONDS.toNanos(1), this.settings.visibilityTimeout().toNanos());
			for (String each : List.of(this.stream, this.laned)) {
				RedisScripts.FORGET.<Long>run(redis, new String[] { each }, RedisQueueSettings.GROUP,
						String.valueOf(3 * this.settings.visibilityTimeout().toMillis()), this.consumer.getName())
					.whenComplete((removed, failure) -> {
						if (removed != null && removed > 0 && each.equals(this.stream)) {
							logger.info("Queue '{}': forgot {} consumer(s) of workers that stopped", this.queue, removed);
						}
					});
			}
		}
		if (!laneMode()) {
			// Requests staged in lanes while this worker waited on the plain stream: take by priority.
			redis.exists(this.settings.levels(this.queue)).thenAccept((found) -> {
				if (found != null && found > 0) {
					lanesSeen();
				}
			});
		}
		if (this.moving.compareAndSet(false, true)) {
			// Requests scheduled for later join the queue once due: every worker of the queue looks, Redis moves each once.
			this.backend.moveDue(this.queue).whenComplete((moved, failure) -> this.moving.set(false));
		}
		int free = free();
		if (this.leases.reclaimDue(now) && free > 0) {
			this.leases.reclaim(redis, now, free, this::acceptSafely);
		}
	}

	/** The field of a stream entry that holds the request. */
	private static final String BODY = "body";

	private static final byte[] NO_BODY = RedisCompleter.NO_BODY;

	/** Takes the request out of an entry's fields (read by a script, as text), as its bytes. */
	static byte[] takeBody(Map<String, String> fields) {
		String body = fields.remove(BODY);
		return (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null;
	}

	static Map<String, String> fields(List<?> flat) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
		}
		return fields;
	}

	/**
	 * Accepts an entry whatever a producer wrote into it: one that cannot be read becomes a dead
	 * letter with its cause, and the pool reads on.
	 */
	private void acceptSafely(String from, String entryId, Map<String, String> fields, byte[] body, int takenOver) {
		if (fields.containsKey(WAKE)) {
			// A wake entry taken over from a worker that stopped: nothing to run.
			dropWake(from, entryId);
			return;
		}
		try {
			accept(from, entryId, fields, body, takenOver);
		}
		catch (RuntimeException ex) {
			logger.warn("Queue '{}': entry {} cannot be read ({}); kept as a dead letter", this.queue, entryId,
					ex.toString());
			finish(from, entryId, "malformed entry: " + ex, String.valueOf(fields.getOrDefault("id", "")),
					(body != null) ? body : NO_BODY, takenOver > 0);
		}
	}

	/**
	 * Turns a stream entry into a delivery, or settles it here: a malformed one (no body, a reply
	 * key outside the prefix, a deadline that is not a number) is a dead letter; a request taken
	 * over from a dead worker runs again only when idempotent and under the delivery limit.
	 */
	private void accept(String from, String entryId, Map<String, String> fields, byte[] body, int takenOver) {
		String invocationId = fields.getOrDefault("id", "");
		String replyTo = fields.get("reply");
		String malformed = (body == null) ? "no body" : (replyTo == null) ? "no reply key"
				: invocationId.chars().anyMatch((c) -> c < 0x20) ? "its id holds control characters"
				: !this.settings.isReplyKey(replyTo) ? "reply key '" + replyTo + "' is not a caller's reply list under"
						+ " prefix '" + this.settings.prefix() + "'" : null;
		long deadline = 0;
		if (malformed == null) {
			String written = fields.getOrDefault("deadline", "0");
			try {
				deadline = Long.parseLong(written);
			}
			catch (NumberFormatException ex) {
				malformed = "deadline '" + written + "' is not a number";
			}
		}
		if (malformed != null) {
			logger.warn("Queue '{}': entry {} is malformed ({}); kept as a dead letter", this.queue, entryId, malformed);
			finish(from, entryId, "malformed entry: " + malformed, invocationId, (body != null) ? body : NO_BODY,
					takenOver > 0);
			return;
		}
		RedisDelivery delivery = new RedisDelivery(this, from, entryId, invocationId, body, replyTo,
				this.backend.localDeadline(deadline), fields, takenOver > 0);
		if (takenOver > 0) {
			this.backend.events().redelivered(this.queue);
			int deliveries = takenOver + 1;
			if (deliveries > this.settings.maxDeliveries()) {
				delivery.fail("Call [" + invocationId + "] was taken " + deliveries + " times by workers that stopped"
						+ " before answering; it is kept as a dead letter (execution.queue.redis.max-deliveries)",
						"delivered " + deliveries + " times");
				return;
			}
			if (!"1".equals(fields.get("idem"))) {
				delivery.fail("Call [" + invocationId + "] may have run on a worker that stopped before answering; it"
						+ " is not run again because its method is not @Idempotent", "worker stopped; not idempotent");
				return;
			}
			logger.info("Queue '{}': taking over call [{}] from a worker that stopped (delivery {})", this.queue,
					invocationId, deliveries);
		}
		if (this.limited) {
			this.slots.started(1);
		}
		this.ready.add(delivery);
	}

	RedisQueueBackend backend() {
		return this.backend;
	}

	String queue() {
		return this.queue;
	}

	/** Ends an attempt whose service threw and holds the next until due ({@link RedisCompleter#retry}). */
	boolean retryLater(RedisDelivery delivery, byte[] next, long delayMillis, long timeoutMillis) {
		boolean held = this.completions.retry(delivery, laneOf(delivery.stream(), delivery.fields()), next, delayMillis,
				timeoutMillis);
		if (held) {
			done(delivery);
		}
		return held;
	}

	void reply(RedisDelivery delivery, String replyTo, byte[] reply) {
		complete(delivery, replyTo, reply, "", NO_BODY);
	}

	void deadLetter(RedisDelivery delivery, String replyTo, byte[] reply, String cause, byte[] body) {
		this.backend.events().deadLettered(this.queue, delivery.invocationId(), body, cause);
		complete(delivery, replyTo, reply, cause, body);
	}

	/**
	 * Queues a delivery's reply and acknowledgement for the next batch and frees its thread's
	 * place for the next read.
	 */
	private void complete(RedisDelivery delivery, String replyTo, byte[] reply, String cause, byte[] body) {
		this.completions.add(new RedisCompleter.Completion(delivery.stream(), delivery.entryId(), delivery.invocationId(), replyTo,
				reply, cause, body, delivery.takenOver(), laneOf(delivery.stream(), delivery.fields())));
		done(delivery);
	}

	private void finish(String from, String entryId, String deadLetterCause, String invocationId, byte[] body,
			boolean takenOver) {
		this.completions.add(new RedisCompleter.Completion(from, entryId, invocationId, null, null, deadLetterCause, body, takenOver,
				""));
	}

	/** The lane a request was taken from, as its dead letter keeps it: '' for the plain one. */
	private String laneOf(String from, Map<String, String> fields) {
		if (!from.equals(this.laned) || fields.get("prio") == null || fields.get("lane") == null) {
			return "";
		}
		return fields.get("prio") + "\n" + fields.get("lane");
	}

	private void done(RedisDelivery delivery) {
		boolean counted = this.running.remove(delivery) || (this.limited && this.ready.remove(delivery));
		if (counted && this.limited) {
			this.slots.ended(1);
		}
		read();
	}

	@Override
	public void close() {
		RedisClusterAsyncCommands<String, byte[]> redis;
		synchronized (this) {
			this.open = false;
			redis = this.blocking;
			if (this.maintenance != null) {
				this.maintenance.cancel(false);
			}
		}
		this.backend.forget(this);
		if (redis != null && !this.reading.get()) {
			// No read waits (one that does closes the connection when it answers).
			this.backend.connections().release(redis);
		}
		returnUnstarted();
	}

	/**
	 * Requests taken but never started go back to the queue for another worker.
	 */
	private void returnUnstarted() {
		List<RedisDelivery> unstarted = new ArrayList<>();
		this.ready.drainTo(unstarted);
		if (this.limited) {
			this.slots.ended(unstarted.size());
		}
		for (RedisDelivery delivery : unstarted) {
			giveBack(delivery.stream(), delivery.entryId(), delivery.fields(), delivery.body());
		}
		this.slots.reconcile();
	}

	/**
	 * Puts a request this worker read but will not run back at the end of the queue.
	 */
	private void giveBack(String from, String entryId, Map<String, String> fields, byte[] body) {
		byte[] request = (body != null) ? body : NO_BODY;
		if (from.equals(this.laned)) {
			// Taken from a lane: back at the head of its lane.
			RedisScripts.RETURN_LANED.call(this.backend.connections().shared(), new String[] { this.laned, this.stream },
					this.laneBase, RedisQueueSettings.GROUP, entryId,
					String.valueOf(this.settings.retention().toMillis()), fields.getOrDefault("prio", "0"),
					fields.getOrDefault("lane", "|"), fields.getOrDefault("deadline", "0"), fields.getOrDefault("reply", ""),
					fields.getOrDefault("idem", "0"), fields.getOrDefault("id", ""), request);
			return;
		}
		List<Object> args = new ArrayList<>(List.of(RedisQueueSettings.GROUP, entryId));
		fields.forEach((key, value) -> {
			args.add(key);
			args.add(value);
		});
		args.add(BODY);
		args.add(request);
		RedisScripts.RETURN.call(this.backend.connections().shared(), new String[] { this.stream, this.attempts },
				args.toArray());
	}

}
