package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.queue.QueueLimits;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
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

	private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

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

	private volatile long nextReclaim;

	private long nextForget;

	private volatile long nextLease;

	private final AtomicBoolean renewing = new AtomicBoolean();

	private long nextCancelCheck;

	/** The queue's limits across all workers. */
	private final QueueLimits limits;

	/** Whether any limit applies: then requests are read only with slots (and start tokens) granted. */
	private final boolean limited;

	/** The global slots this consumer holds in Redis (with a limit): what it reads and runs. */
	private int held;

	/** Deliveries accepted and not done (waiting for a thread or running): what the slots are for. */
	private int inUse;

	/** Slots granted to the read in flight, whose requests have not come yet. */
	private int readGrant;

	private final Object slotLock = new Object();

	/** The stream requests taken from lanes move to (leased and acknowledged there). */
	private final String laned;

	/** The queue's other keys, named once rather than per call. */
	private final String attempts;

	private final String lanedAttempts;

	private final String answered;

	private final String lanedAnswered;

	private final String deadLetters;

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

	/** The arguments of the take script after the wanted count: aging, ttl, this worker's tags, the fairness weights. */
	private final List<String> takeTail = new ArrayList<>();

	RedisQueueConsumer(RedisQueueBackend backend, String queue, int concurrency, ConsumerOptions options) {
		QueueLimits limits = options.limits();
		this.limits = limits;
		this.limited = limits.any();
		this.laned = backend.settings().laned(queue);
		this.attempts = backend.settings().attempts(queue);
		this.lanedAttempts = backend.settings().lanedAttempts(queue);
		this.answered = backend.settings().answered(queue);
		this.lanedAnswered = backend.settings().lanedAnswered(queue);
		this.deadLetters = backend.settings().deadLetters(queue);
		this.laneBase = backend.settings().laneBase(queue);
		this.takeTail.add(String.valueOf(options.priorityAging().toMillis()));
		this.takeTail.add(String.valueOf(backend.settings().retention().toMillis()));
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
		this.completions = new Batcher<>(this::sendCompletions,
				(batch, failure) -> logger.debug("Queue '{}': answering {} calls failed: {}", queue, batch.size(),
						failure.toString()),
				COMPLETION_BATCH_ITEMS, Completion::size, 1 << 20);
		backend.register(this.completions);
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
		acquire(free).whenComplete((granted, failure) -> {
			if (failure != null || granted == null || granted <= 0 || !this.open) {
				this.reading.set(false);
				reconcile();
				return;
			}
			synchronized (this.slotLock) {
				this.readGrant = granted.intValue();
			}
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
	 * only requests for other workers' tags wait, the next maintenance tick looks again.
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
			synchronized (this.slotLock) {
				this.readGrant = Math.max(0, this.readGrant - got);
			}
			if (this.open && failure == null && got == 0 && !unserved && count > 0) {
				// Nothing for this worker: wait on the plain stream (still reading), woken by what comes.
				readUpTo(blocking, count);
				return;
			}
			this.reading.set(false);
			int unused;
			synchronized (this.slotLock) {
				unused = this.readGrant;
				this.readGrant = 0;
			}
			refund(unused);
			reconcile();
			if (!this.open) {
				this.backend.connections().release(blocking);
				returnUnstarted();
			}
			else if (failure == null && got > 0) {
				read();
			}
		});
	}

	/** Takes slots for up to {@code wanted} more calls; counted as held once granted. */
	private CompletableFuture<Long> acquire(int wanted) {
		try {
			return RedisScripts.ACQUIRE_SLOTS
				.<Long>run(this.backend.connections().shared(),
						new String[] { this.settings.slots(this.queue), this.settings.slotLeases(this.queue),
								this.settings.startTokens(this.queue) },
						this.consumer.getName(), String.valueOf(wanted), String.valueOf(this.limits.maxConcurrent()),
						String.valueOf(this.settings.visibilityTimeout().toMillis()), String.valueOf(this.limits.starts()),
						String.valueOf(this.limits.per().toMillis()))
				.thenApply((granted) -> {
					if (granted != null && granted > 0) {
						synchronized (this.slotLock) {
							this.held += granted.intValue();
						}
					}
					return granted;
				});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Gives back the slots held beyond what this consumer reads and runs now. */
	private void reconcile() {
		if (!this.limited) {
			return;
		}
		int excess;
		synchronized (this.slotLock) {
			excess = this.held - this.inUse - this.readGrant;
			if (excess <= 0) {
				return;
			}
			this.held -= excess;
		}
		try {
			RedisScripts.RELEASE_SLOTS.run(this.backend.connections().shared(), slotKeys(), this.consumer.getName(),
					String.valueOf(excess));
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': giving back {} slots failed (they lapse with their lease): {}", this.queue, excess,
					ex.toString());
		}
	}

	/** Gives back the start tokens of requests granted but not read (no start happened). */
	private void refund(int unused) {
		if (unused <= 0 || this.limits.starts() <= 0) {
			return;
		}
		try {
			RedisScripts.REFUND_TOKENS.run(this.backend.connections().shared(),
					new String[] { this.settings.startTokens(this.queue) }, String.valueOf(unused),
					String.valueOf(this.limits.starts()));
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': giving back {} start tokens failed: {}", this.queue, unused, ex.toString());
		}
	}

	private String[] slotKeys() {
		return new String[] { this.settings.slots(this.queue), this.settings.slotLeases(this.queue) };
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
			synchronized (this.slotLock) {
				this.readGrant = 0;
			}
			reconcile();
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
			int unused;
			synchronized (this.slotLock) {
				unused = this.readGrant - requests;
				this.readGrant = 0;
			}
			refund(unused);
			reconcile();
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
		return System.nanoTime() - this.nextReclaim >= 0;
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
				this.backend.clock().sample();
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
		if (now - this.nextLease >= 0 && !this.running.isEmpty() && this.renewing.compareAndSet(false, true)) {
			// One renewal at a time; one that fails (Redis away, a connection reconnecting) is sent
			// again at the next tick, and one Lettuce held while disconnected goes out on reconnect.
			this.nextLease = now + this.backend.leaseInterval().toNanos();
			renewSlots();
			Map<String, List<String>> byStream = new HashMap<>();
			this.running.forEach((delivery) -> byStream.computeIfAbsent(delivery.stream(), (key) -> new ArrayList<>())
				.add(delivery.entryId()));
			List<CompletableFuture<?>> renewals = new ArrayList<>();
			byStream.forEach((from, ids) -> renewals.add(redis
				.xclaim(from, this.consumer, XClaimArgs.Builder.minIdleTime(0).justid(), ids.toArray(String[]::new))
				.toCompletableFuture()));
			CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new)).whenComplete((renewed, failure) -> {
				if (failure != null) {
					this.nextLease = System.nanoTime();
				}
				this.renewing.set(false);
			});
		}
		if (now - this.nextCancelCheck >= 0 && !this.running.isEmpty()) {
			this.nextCancelCheck = now + CANCEL_CHECK_NANOS;
			for (RedisDelivery delivery : this.running) {
				redis.exists(this.settings.cancelMarker(this.queue, delivery.invocationId())).thenAccept((found) -> {
					if (found != null && found > 0) {
						delivery.cancelled();
					}
				});
			}
		}
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
		if (now - this.nextReclaim >= 0 && free > 0) {
			this.nextReclaim = now + Math.max(TimeUnit.MILLISECONDS.toNanos(200),
					this.settings.visibilityTimeout().toNanos() / 4);
			if (this.limited) {
				// Taking over runs calls too: only with slots (a stopped worker's lapse with its lease).
				Long granted = acquire(free).get(10, TimeUnit.SECONDS);
				free = (granted != null) ? granted.intValue() : 0;
				if (free <= 0) {
					return;
				}
			}
			int taken = 0;
			try {
				taken = reclaim(redis, now, free);
			}
			finally {
				if (this.limited) {
					refund(free - taken);
				}
				reconcile();
			}
		}
	}

	private int reclaim(RedisClusterAsyncCommands<String, String> redis, long now, int free) throws Exception {
		int taken = reclaim(redis, now, free, this.stream);
		if (taken < free) {
			taken += reclaim(redis, now, free - taken, this.laned);
		}
		return taken;
	}

	private int reclaim(RedisClusterAsyncCommands<String, String> redis, long now, int free, String from)
			throws Exception {
		List<Object> taken = RedisScripts.RECLAIM.<List<Object>>run(redis,
				new String[] { from, attemptsOf(from), answeredOf(from) },
				RedisQueueSettings.GROUP, this.consumer.getName(),
				String.valueOf(this.settings.visibilityTimeout().toMillis()), String.valueOf(free),
				String.valueOf(this.settings.retention().toMillis()),
				String.valueOf(3 * this.settings.visibilityTimeout().toMillis()))
			.get(10, TimeUnit.SECONDS);
		for (Object item : taken) {
			List<?> entry = (List<?>) item;
			Map<String, String> fields = fields((List<?>) entry.get(1));
			byte[] body = takeBody(fields);
			Object stashed = (entry.size() > 3) ? entry.get(3) : null;
			if (stashed instanceof String reply && this.settings.isReplyKey(fields.get("reply"))) {
				// Answered by a worker that stopped before acknowledging: send that answer again.
				logger.info("Queue '{}': call [{}] was answered by a worker that stopped before acknowledging it;"
						+ " its answer is sent again", this.queue, fields.get("id"));
				this.completions.add(new Completion(from, (String) entry.get(0), fields.getOrDefault("id", ""),
						fields.get("reply"), reply.getBytes(StandardCharsets.UTF_8), "", NO_BODY, true));
				continue;
			}
			acceptSafely(from, (String) entry.get(0), fields, body, ((Number) entry.get(2)).intValue());
		}
		if (taken.size() >= free) {
			// There may be more to take over: again at the next tick, before new work.
			this.nextReclaim = now;
		}
		return taken.size();
	}

	/**
	 * Renews this consumer's slots with its leases. Slots found dropped (the lease ran out while
	 * this worker could not renew) are no longer counted: its running calls finish, and new work
	 * waits for slots granted again.
	 */
	private void renewSlots() {
		if (!this.limited) {
			return;
		}
		synchronized (this.slotLock) {
			if (this.held <= 0) {
				return;
			}
		}
		RedisScripts.RENEW_SLOTS
			.<Long>run(this.backend.connections().shared(), slotKeys(), this.consumer.getName(),
					String.valueOf(this.settings.visibilityTimeout().toMillis()))
			.thenAccept((held) -> {
				if (held != null && held == 0) {
					synchronized (this.slotLock) {
						logger.warn("Queue '{}': this worker's {} concurrency slots lapsed (its lease ran out); they are"
								+ " taken again for new work", this.queue, this.held);
						this.held = 0;
					}
				}
			});
	}

	/** The field of a stream entry that holds the request. */
	private static final String BODY = "body";

	private static final byte[] NO_BODY = new byte[0];

	/** Takes the request out of an entry's fields (read by a script, as text), as its bytes. */
	private static byte[] takeBody(Map<String, String> fields) {
		String body = fields.remove(BODY);
		return (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null;
	}

	private static Map<String, String> fields(List<?> flat) {
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
			synchronized (this.slotLock) {
				this.inUse++;
			}
		}
		this.ready.add(delivery);
	}

	boolean cancelMarked(String invocationId) {
		try {
			Long found = this.backend.connections().shared()
				.exists(this.settings.cancelMarker(this.queue, invocationId))
				.get(5, TimeUnit.SECONDS);
			return found != null && found > 0;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			// Not known: run it; a marker set meanwhile still reaches it through the running check.
			return false;
		}
	}

	void sendChunk(String replyTo, byte[] chunk) {
		RedisScripts.REPLY.call(this.backend.connections().shared(), new String[] { replyTo },
				String.valueOf(this.settings.retention().toMillis()), this.backend.expiries().due(replyTo), chunk);
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
		this.completions.add(new Completion(delivery.stream(), delivery.entryId(), delivery.invocationId(), replyTo,
				reply, cause, body, delivery.takenOver(), laneOf(delivery.stream(), delivery.fields())));
		done(delivery);
	}

	private void finish(String from, String entryId, String deadLetterCause, String invocationId, byte[] body,
			boolean takenOver) {
		this.completions.add(new Completion(from, entryId, invocationId, null, null, deadLetterCause, body, takenOver,
				""));
	}

	/** The lane a request was taken from, as its dead letter keeps it: '' for the plain one. */
	private String laneOf(String from, Map<String, String> fields) {
		if (!from.equals(this.laned) || fields.get("prio") == null || fields.get("lane") == null) {
			return "";
		}
		return fields.get("prio") + "\n" + fields.get("lane");
	}

	/**
	 * A request this worker is done with: its reply (if it has a caller to answer), then its
	 * acknowledgement, and its dead letter when it failed for good.
	 */
	private record Completion(String stream, String entryId, String invocationId, String replyTo, byte[] reply,
			String cause, byte[] body, boolean takenOver, String lane) {

		Completion(String stream, String entryId, String invocationId, String replyTo, byte[] reply, String cause,
				byte[] body, boolean takenOver) {
			this(stream, entryId, invocationId, replyTo, reply, cause, body, takenOver, "");
		}

		int size() {
			return ((this.reply != null) ? this.reply.length : 0) + this.body.length;
		}

	}

	private static final int COMPLETION_BATCH_ITEMS = 64;

	private final Batcher<Completion> completions;

	/**
	 * Answers a batch of finished requests. On a single Redis (or a Sentinel-watched one) one
	 * script per stream pushes the replies to their callers' lists and acknowledges the requests
	 * together. On a Cluster, where the reply lists live on other nodes: the replies are stashed in
	 * the queue's slot, pushed (one push per caller process), then, once Redis holds them,
	 * acknowledged. Either way a request whose reply did not reach Redis stays unacknowledged:
	 * its lease runs out and another worker settles it (runs it again when idempotent, else
	 * answers that it may have run), so no caller is left without an answer.
	 */
	private CompletableFuture<?> sendCompletions(List<Completion> batch) {
		RedisClusterAsyncCommands<String, String> redis = this.backend.connections().shared();
		String ttl = String.valueOf(this.settings.retention().toMillis());
		if (!this.backend.connections().cluster()) {
			return completeTogether(redis, ttl, batch);
		}
		Map<String, List<Completion>> byCaller = new LinkedHashMap<>();
		List<Completion> unanswered = new ArrayList<>();
		for (Completion completion : batch) {
			if (completion.replyTo() != null) {
				byCaller.computeIfAbsent(completion.replyTo(), (list) -> new ArrayList<>()).add(completion);
			}
			else {
				unanswered.add(completion);
			}
		}
		CompletableFuture<?> stashed = CompletableFuture.completedFuture(null);
		if (!byCaller.isEmpty()) {
			// Issued before the pushes on the same connection: a reply Redis holds for the caller is stashed too.
			Map<String, List<Object>> stashes = new HashMap<>();
			byCaller.values().forEach((completions) -> completions.forEach((completion) -> {
				// Dead letters are not stashed: their take-over settles them again, dead letter included.
				if (completion.cause().isEmpty()) {
					List<Object> stash = stashes.computeIfAbsent(completion.stream(), (key) -> new ArrayList<>(List.of(ttl)));
					stash.add(completion.entryId());
					stash.add(completion.reply());
				}
			}));
			List<CompletableFuture<?>> stashing = new ArrayList<>();
			stashes.forEach((from, stash) -> stashing.add(RedisScripts.STASH.call(redis,
					new String[] { answeredOf(from) }, stash.toArray())));
			if (!stashing.isEmpty()) {
				stashed = CompletableFuture.allOf(stashing.toArray(CompletableFuture[]::new));
			}
		}
		// No reply leaves before its stash is in. A stash that failed sends no reply and acknowledges
		// nothing: the requests are taken over.
		return stashed.handle((done, failure) -> failure)
			.thenCompose((failure) -> (failure == null) ? pushAndAcknowledge(redis, ttl, byCaller, unanswered)
					: pushAndAcknowledge(redis, ttl, Map.of(), unanswered));
	}

	/**
	 * Pushes the replies and acknowledges the requests of a batch with one script per stream (the
	 * plain one and, for requests taken from lanes, the laned one).
	 */
	private CompletableFuture<?> completeTogether(RedisClusterAsyncCommands<String, String> redis, String ttl,
			List<Completion> batch) {
		Map<String, List<Completion>> byStream = new LinkedHashMap<>(2);
		for (Completion completion : batch) {
			byStream.computeIfAbsent(completion.stream(), (key) -> new ArrayList<>(batch.size())).add(completion);
		}
		if (byStream.size() == 1) {
			Map.Entry<String, List<Completion>> only = byStream.entrySet().iterator().next();
			return completeTogether(redis, ttl, only.getKey(), only.getValue());
		}
		List<CompletableFuture<List<Object>>> scripts = new ArrayList<>(byStream.size());
		byStream.forEach((from, completions) -> scripts.add(completeTogether(redis, ttl, from, completions)));
		return CompletableFuture.allOf(scripts.toArray(CompletableFuture[]::new));
	}

	private CompletableFuture<List<Object>> completeTogether(RedisClusterAsyncCommands<String, String> redis,
			String ttl, String from, List<Completion> completions) {
		Map<String, List<byte[]>> byCaller = new LinkedHashMap<>(4);
		for (Completion completion : completions) {
			if (completion.replyTo() != null) {
				byCaller.computeIfAbsent(completion.replyTo(), (list) -> new ArrayList<>(completions.size()))
					.add(completion.reply());
			}
		}
		List<String> keys = new ArrayList<>(4 + byCaller.size());
		keys.add(from);
		keys.add(attemptsOf(from));
		keys.add(this.deadLetters);
		keys.add(answeredOf(from));
		List<Object> args = new ArrayList<>(5 + byCaller.size() * 2 + completions.size() * 7);
		args.add(RedisQueueSettings.GROUP);
		args.add(String.valueOf(this.settings.deadLetterLimit()));
		args.add(String.valueOf(this.settings.deadLetterRetention().toMillis()));
		args.add(ttl);
		args.add(String.valueOf(byCaller.size()));
		byCaller.forEach((list, replies) -> {
			keys.add(list);
			args.add(this.backend.expiries().due(list));
			args.add(String.valueOf(replies.size()));
			args.addAll(replies);
		});
		for (Completion completion : completions) {
			addFinish(args, completion);
		}
		return RedisScripts.COMPLETE.<List<Object>>call(redis, keys.toArray(String[]::new), args.toArray())
			.thenApply(this::warnAtDeadLetterLimit);
	}

	/** The six arguments that finish a request (see {@code RedisScripts.FINISH}). */
	private static void addFinish(List<Object> args, Completion completion) {
		args.add(completion.entryId());
		args.add(completion.cause());
		args.add(completion.invocationId());
		// The request goes back only to be kept as a dead letter.
		args.add(completion.cause().isEmpty() ? NO_BODY : completion.body());
		args.add(completion.takenOver() ? "1" : "0");
		args.add(completion.lane());
	}

	private CompletableFuture<List<Object>> pushAndAcknowledge(RedisClusterAsyncCommands<String, String> redis,
			String ttl, Map<String, List<Completion>> byCaller, List<Completion> unanswered) {
		List<CompletableFuture<List<Completion>>> pushes = new ArrayList<>(byCaller.size() + 1);
		pushes.add(CompletableFuture.completedFuture(unanswered));
		byCaller.forEach((list, completions) -> {
			List<Object> args = new ArrayList<>(completions.size() + 2);
			args.add(ttl);
			args.add(this.backend.expiries().due(list));
			completions.forEach((completion) -> args.add(completion.reply()));
			pushes.add(RedisScripts.REPLY.<Long>call(redis, new String[] { list }, args.toArray())
				.handle((pushed, failure) -> {
					if (failure != null) {
						logger.debug("Queue '{}': replies to {} could not be pushed; their requests will be"
								+ " taken over: {}", this.queue, list, failure.toString());
						return List.of();
					}
					return completions;
				}));
		});
		return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).thenCompose((all) -> {
			Map<String, List<Object>> byStream = new LinkedHashMap<>();
			for (CompletableFuture<List<Completion>> push : pushes) {
				for (Completion completion : push.join()) {
					List<Object> args = byStream.computeIfAbsent(completion.stream(),
							(key) -> new ArrayList<>(List.of(RedisQueueSettings.GROUP,
									String.valueOf(this.settings.deadLetterLimit()),
									String.valueOf(this.settings.deadLetterRetention().toMillis()))));
					addFinish(args, completion);
				}
			}
			if (byStream.isEmpty()) {
				return CompletableFuture.completedFuture(List.of());
			}
			if (byStream.size() == 1) {
				Map.Entry<String, List<Object>> only = byStream.entrySet().iterator().next();
				return acknowledge(redis, only.getKey(), only.getValue());
			}
			List<CompletableFuture<List<Object>>> acks = new ArrayList<>();
			byStream.forEach((from, args) -> acks.add(acknowledge(redis, from, args)));
			return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply((done) -> List.of());
		});
	}

	private CompletableFuture<List<Object>> acknowledge(RedisClusterAsyncCommands<String, String> redis, String from,
			List<Object> args) {
		// One script per stream: the plain one and, for requests taken from lanes, the laned one.
		return RedisScripts.ACK.<List<Object>>call(redis,
				new String[] { from, attemptsOf(from), this.deadLetters,
						answeredOf(from) },
				args.toArray())
			.thenApply(this::warnAtDeadLetterLimit);
	}

	private List<Object> warnAtDeadLetterLimit(List<Object> finished) {
		long dead = ((Number) finished.get(1)).longValue();
		if (dead >= this.settings.deadLetterLimit()) {
			logger.warn("Queue '{}': {} dead letters, at the limit of {}: the oldest are dropped as new ones come"
					+ " (execution.queue.redis.dead-letter-limit)", this.queue, dead, this.settings.deadLetterLimit());
		}
		return finished;
	}

	private String attemptsOf(String from) {
		return from.equals(this.laned) ? this.lanedAttempts : this.attempts;
	}

	private String answeredOf(String from) {
		return from.equals(this.laned) ? this.lanedAnswered : this.answered;
	}

	private void done(RedisDelivery delivery) {
		boolean counted = this.running.remove(delivery) || (this.limited && this.ready.remove(delivery));
		if (counted && this.limited) {
			synchronized (this.slotLock) {
				this.inUse--;
			}
			reconcile();
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
			synchronized (this.slotLock) {
				this.inUse -= unstarted.size();
			}
		}
		for (RedisDelivery delivery : unstarted) {
			giveBack(delivery.stream(), delivery.entryId(), delivery.fields(), delivery.request());
		}
		reconcile();
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
