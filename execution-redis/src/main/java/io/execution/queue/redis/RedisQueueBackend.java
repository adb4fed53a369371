package io.execution.queue.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.execution.codec.Envelope;
import io.execution.core.ExecutionEvents;
import io.execution.core.InvocationIds;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.DeadLetterStore;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueLane;
import io.execution.queue.QueueState;
import io.execution.queue.QueuedCall;
import io.execution.redis.RedisConnections;
import io.execution.registry.WorkerRegistry;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues in Redis, shared by every instance: callers and worker pools on any machine.
 * <ul>
 * <li>A queue is a Redis Stream read by the consumer group of its workers. A request stays in
 * the stream until its worker has answered; a worker renews its lease on what it runs, and a
 * request whose worker died (its lease ran out: {@code visibility-timeout}) is taken over by
 * another worker, which re-runs it only for an idempotent method.</li>
 * <li>Each caller process has one reply list; a worker pushes the result there with the
 * invocation id, and the caller completes the matching call exactly once (a late or duplicate
 * reply finds no call and is dropped).</li>
 * <li>Deadlines are stamped and compared on Redis' clock. Every multi-step change is a Lua
 * script on one hash slot; every key is deleted when done or expires.</li>
 * </ul>
 */
public final class RedisQueueBackend implements QueueBackend {

	private static final Logger logger = LoggerFactory.getLogger(RedisQueueBackend.class);

	private final RedisConnections connections;

	private final RedisQueueSettings settings;

	private final String caller = InvocationIds.next().replace('-', '.');

	/**
	 * The name this process uses as a caller (its reply list) and as a consumer of queues.
	 * @return the name
	 */
	String processName() {
		return this.caller;
	}

	private final RedisReplies replies;

	private final RedisProducer producer;

	private final RedisDeadLetterStore deadLetterStore;

	private final List<Batcher<?>> batchers = new CopyOnWriteArrayList<>();

	/**
	 * Keeps a batcher to wait for when the backend closes.
	 * @param batcher the batcher
	 */
	void register(Batcher<?> batcher) {
		this.batchers.add(batcher);
	}





	private final List<RedisQueueConsumer> consumers = new CopyOnWriteArrayList<>();

	/** The queues this process's workers hold to a per-key concurrency limit. */
	private final java.util.Set<String> keyLimited = ConcurrentHashMap.newKeySet();

	private final RedisClock clock;

	private final ExpiryRefreshes expiries;


	private final ScheduledExecutorService maintenance = Executors
		.newSingleThreadScheduledExecutor(daemon("execution-redis-maintenance"));

	private final ExecutorService callbacks;

	private static ThreadFactory named(ThreadFactory threads, String name) {
		return (task) -> {
			Thread thread = threads.newThread(task);
			thread.setName(name);
			return thread;
		};
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private final ExecutionEvents events;

	private final WorkerRegistry workers;

	/** Queues found served, until when that is trusted (nanoTime). */
	private final Map<String, Long> served = new ConcurrentHashMap<>();

	private static final long SERVED_TRUST_NANOS = TimeUnit.SECONDS.toNanos(1);

	ExecutionEvents events() {
		return this.events;
	}

	private volatile boolean closed;

	/**
	 * Makes the backend.
	 * @param connections the Redis connections
	 * @param settings how the queues behave
	 */
	public RedisQueueBackend(RedisConnections connections, RedisQueueSettings settings) {
		this(connections, settings, ExecutionEvents.NONE, null);
	}

	/**
	 * Makes the backend.
	 * @param connections the Redis connections
	 * @param settings how the queues behave
	 * @param events hears of redeliveries and dead letters
	 * @param workers the worker registry, which tells whether a queue has a live worker; or
	 * {@code null} when there is none to ask
	 */
	public RedisQueueBackend(RedisConnections connections, RedisQueueSettings settings, ExecutionEvents events,
			WorkerRegistry workers) {
		this.connections = connections;
		this.events = events;
		this.workers = workers;
		this.settings = settings;
		this.callbacks = Executors.newCachedThreadPool((settings.callbackThreads() != null)
				? named(settings.callbackThreads(), "execution-redis-callbacks") : daemon("execution-redis-callbacks"));
		this.clock = new RedisClock(connections);
		this.expiries = new ExpiryRefreshes(settings.retention());
		this.replies = new RedisReplies(connections, settings.replies(this.caller), this.maintenance, () -> this.closed);
		this.producer = new RedisProducer(this, this.replies);
		this.deadLetterStore = new RedisDeadLetterStore(connections, settings, this.replies);
	}

	@Override
	public String name() {
		return "redis";
	}

	/**
	 * A queue is unavailable when the registry lists no live worker serving it. A queue found
	 * served is trusted for a second without asking again (the registry is read from Redis); a
	 * registry that cannot be read, or a Redis this process is not connected to, says nothing.
	 */
	private String unavailable(String queue) {
		if (this.workers == null || !this.connections.connected()) {
			// Nothing to tell without waiting for a Redis that is away.
			return null;
		}
		long now = System.nanoTime();
		Long servedUntil = this.served.get(queue);
		if (servedUntil != null && servedUntil - now > 0) {
			return null;
		}
		try {
			if (!this.workers.liveWorkers(queue).isEmpty()) {
				this.served.put(queue, now + SERVED_TRUST_NANOS);
				return null;
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': the worker registry cannot be read ({}); taking the queue as served", queue,
					ex.toString());
			return null;
		}
		return "no live worker serves queue '" + queue + "' (no worker with it in execution.worker.queues has sent a"
				+ " heartbeat to this Redis lately)";
	}

	/**
	 * The settings, with the key names.
	 * @return the settings
	 */
	public RedisQueueSettings settings() {
		return this.settings;
	}

	RedisConnections connections() {
		return this.connections;
	}

	ExpiryRefreshes expiries() {
		return this.expiries;
	}

	RedisClock clock() {
		return this.clock;
	}

	/**
	 * The thread that renews leases, takes over dead workers' requests and looks for
	 * cancellations, for every consumer of this backend (never Lettuce's I/O threads).
	 * @return the scheduler
	 */
	ScheduledExecutorService maintenance() {
		return this.maintenance;
	}

	/**
	 * Replies complete their calls on Lettuce's I/O thread, where nothing may block: what an
	 * asynchronous caller chains to its future runs here instead.
	 */
	@Override
	public Executor callbacks() {
		return this.callbackExecutor;
	}

	private final Executor callbackExecutor = this::callback;

	private void callback(Runnable task) {
		try {
			this.callbacks.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed: what completes now are the failures of calls cut short; run them here.
			task.run();
		}
	}

	/** Queues found served with a requirement, until when that is trusted (nanoTime). */
	private final Map<String, Long> servedWith = new ConcurrentHashMap<>();

	/**
	 * A requirement is unavailable when no live worker of the queue (by the registry) has the
	 * tags it requires. As for {@link #unavailable(String)}, a registry that cannot be read says
	 * nothing, and a match is trusted for a second.
	 */
	@Override
	public String unavailable(String queue, Map<String, String> requires) {
		if (requires.isEmpty()) {
			return unavailable(queue);
		}
		if (this.workers == null || !this.connections.connected()) {
			return null;
		}
		String key = queue + "\n" + QueueLane.requirement(requires);
		long now = System.nanoTime();
		Long servedUntil = this.servedWith.get(key);
		if (servedUntil != null && servedUntil - now > 0) {
			return null;
		}
		List<io.execution.registry.WorkerInfo> live;
		try {
			live = this.workers.liveWorkers(queue);
		}
		catch (RuntimeException ex) {
			return null;
		}
		if (live.stream().anyMatch((worker) -> QueueLane.matches(requires, worker.tags()))) {
			this.servedWith.put(key, now + SERVED_TRUST_NANOS);
			return null;
		}
		return "no live worker serving queue '" + queue + "' has the tags " + QueueLane.requirement(requires)
				+ " its calls require (" + live.size() + " live worker(s) serve it; a worker advertises tags with"
				+ " execution.worker.tags; the requirement is execution.endpoints.<name>.requires)";
	}

	@Override
	public boolean schedules() {
		return true;
	}

	@Override
	public CompletableFuture<Envelope> submit(QueuedCall call) {
		return this.producer.submit(call);
	}

	@Override
	public boolean cancel(String queue, String invocationId) {
		return this.producer.cancel(queue, invocationId);
	}

	/**
	 * Moves a queue's due requests onto it (a worker of the queue does this on its maintenance
	 * tick), telling how late each is.
	 * @param queue the queue
	 * @return the requests moved
	 */
	CompletableFuture<Integer> moveDue(String queue) {
		return this.producer.moveDue(queue);
	}

	/**
	 * Opens the worker side of a queue with the plain options.
	 * @param queue the queue
	 * @param concurrency how many calls the pool runs at once
	 * @return a consumer of its requests
	 */
	public QueueConsumer consumer(String queue, int concurrency) {
		return consumer(queue, concurrency, ConsumerOptions.DEFAULT);
	}

	/** Paused: a key beside the queue, read by every worker's gate (a pause outlives restarts). */
	@Override
	public boolean paused(String queue) {
		try {
			return this.connections.shared().exists(this.settings.paused(queue)).get(5, TimeUnit.SECONDS) > 0;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new io.execution.ExecutionException("Whether queue '" + queue + "' is paused could not be read: " + ex,
					ex);
		}
	}

	@Override
	public void pause(String queue, boolean paused) {
		try {
			if (paused) {
				this.connections.shared().set(this.settings.paused(queue), "1").get(5, TimeUnit.SECONDS);
			}
			else {
				this.connections.shared().del(this.settings.paused(queue)).get(5, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new io.execution.ExecutionException("Queue '" + queue + "' could not be " + (paused ? "paused" : "resumed")
					+ ": " + ex, ex);
		}
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options) {
		RedisQueueConsumer consumer = new RedisQueueConsumer(this, queue, concurrency, options);
		this.consumers.add(consumer);
		if (options.limits().perKey().maxConcurrent() > 0) {
			this.keyLimited.add(queue);
		}
		return consumer;
	}

	/**
	 * The number of requests of a queue, waiting or running.
	 * @param queue the queue
	 * @return its length, -1 when Redis cannot be read
	 */
	public long depth(String queue) {
		return state(queue).depth();
	}

	/**
	 * The number of dead letters of a queue.
	 * @param queue the queue
	 * @return the count, -1 when Redis cannot be read
	 */
	public long deadLetters(String queue) {
		return state(queue).deadLetters();
	}

	@Override
	public DeadLetterStore deadLetters() {
		return this.deadLetterStore;
	}

	/**
	 * Forgets a consumer that closed (a drained pool's).
	 * @param consumer the consumer
	 */
	void forget(RedisQueueConsumer consumer) {
		this.consumers.remove(consumer);
	}

	@Override
	public QueueState state(String queue) {
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		try {
			String stream = this.settings.requests(queue);
			var depth = redis.xlen(stream);
			var dead = redis.xlen(this.settings.deadLetters(queue));
			var oldest = redis.xrange(stream, io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1));
			var time = redis.time();
			var scheduled = redis.zcard(this.settings.scheduled(queue));
			var next = redis.zrangeWithScores(this.settings.scheduled(queue), 0, 0);
			Duration age = Duration.ZERO;
			var first = oldest.get(5, TimeUnit.SECONDS);
			if (first != null && !first.isEmpty()) {
				long addedAt = Long.parseLong(first.get(0).getId().split("-")[0]);
				java.util.List<String> now = time.get(5, TimeUnit.SECONDS);
				long nowMillis = Long.parseLong(now.get(0)) * 1000 + Long.parseLong(now.get(1)) / 1000;
				age = Duration.ofMillis(Math.max(0, nowMillis - addedAt));
			}
			java.util.List<String> clock = time.get(5, TimeUnit.SECONDS);
			long redisNow = Long.parseLong(clock.get(0)) * 1000 + Long.parseLong(clock.get(1)) / 1000;
			var soonest = next.get(5, TimeUnit.SECONDS);
			Duration nextDue = (soonest != null && !soonest.isEmpty())
					? Duration.ofMillis(Math.max(0, (long) soonest.get(0).getScore() - redisNow)) : null;
			var lanedDepth = redis.xlen(this.settings.laned(queue));
			List<io.execution.queue.LaneDepth> lanes = lanes(redis, queue);
			long staged = lanes.stream().mapToLong(io.execution.queue.LaneDepth::depth).sum();
			return new QueueState(depth.get(5, TimeUnit.SECONDS) + lanedDepth.get(5, TimeUnit.SECONDS) + staged, age,
					dead.get(5, TimeUnit.SECONDS), scheduled.get(5, TimeUnit.SECONDS), nextDue, lanes);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return QueueState.UNKNOWN;
		}
	}

	/**
	 * The global slots held (by every worker of the queue, as Redis counts them) and the start
	 * tokens left in the rate limit's bucket (as of the last start).
	 */
	@Override
	public Map<String, Object> limitsInUse(String queue) {
		Map<String, Object> inUse = new java.util.LinkedHashMap<>();
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		try {
			var slots = redis.hvals(this.settings.slots(queue));
			var tokens = redis.hget(this.settings.startTokens(queue), "tokens");
			List<String> held = slots.get(5, TimeUnit.SECONDS);
			if (!held.isEmpty()) {
				inUse.put("running", held.stream().mapToLong(Long::parseLong).sum());
			}
			String left = tokens.get(5, TimeUnit.SECONDS);
			if (left != null) {
				inUse.put("startTokens", (long) Math.floor(Double.parseDouble(left)));
			}
			if (this.keyLimited.contains(queue)) {
				inUse.put("runningByKey", runningByKey(redis, queue));
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		return inUse;
	}

	/** The calls running per fairness key, at most 100 keys, the busiest first. */
	private Map<String, Long> runningByKey(RedisClusterAsyncCommands<String, String> redis, String queue)
			throws Exception {
		List<Object> counts = RedisScripts.KEYS_RUNNING
			.<List<Object>>run(redis, new String[] { this.settings.laned(queue) }, this.settings.laneBase(queue),
					RedisQueueSettings.GROUP)
			.get(5, TimeUnit.SECONDS);
		List<Map.Entry<String, Long>> byKey = new ArrayList<>();
		for (int i = 0; i + 1 < counts.size(); i += 2) {
			byKey.add(Map.entry(String.valueOf(counts.get(i)), ((Number) counts.get(i + 1)).longValue()));
		}
		byKey.sort(Map.Entry.<String, Long>comparingByValue().reversed());
		Map<String, Long> running = new java.util.LinkedHashMap<>();
		byKey.stream().limit(100).forEach((entry) -> running.put(entry.getKey(), entry.getValue()));
		return running;
	}

	/** The requests staged in a queue's lanes, by lane (at most 100 lanes read). */
	private List<io.execution.queue.LaneDepth> lanes(RedisClusterAsyncCommands<String, String> redis, String queue)
			throws Exception {
		List<io.execution.queue.LaneDepth> lanes = new ArrayList<>();
		String base = this.settings.laneBase(queue);
		for (String level : redis.zrevrange(this.settings.levels(queue), 0, -1).get(5, TimeUnit.SECONDS)) {
			for (String lane : redis.lrange(base + "ring:" + level, 0, 99).get(5, TimeUnit.SECONDS)) {
				int bar = lane.indexOf('|');
				if (bar < 0 || lanes.size() >= 100) {
					continue;
				}
				long depth = redis.llen(base + "lane:" + level + ":" + lane).get(5, TimeUnit.SECONDS);
				String key = lane.substring(bar + 1);
				lanes.add(new io.execution.queue.LaneDepth(Integer.parseInt(level), key.isEmpty() ? null : key,
						lane.substring(0, bar), depth));
			}
		}
		return lanes;
	}

	/**
	 * Connects (the shared connection and the reply reader's), loads the scripts and reads
	 * Redis' clock, waiting two seconds at most; a Redis that is not there yet is connected to
	 * by the first call, as without this.
	 */
	@Override
	public void warmUp() {
		try {
			this.replies.start();
			RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
			CompletableFuture.allOf(RedisScripts.SUBMIT.load(redis), RedisScripts.REPLY.load(redis),
					RedisScripts.ACK.load(redis), RedisScripts.COMPLETE.load(redis), RedisScripts.CANCEL.load(redis), RedisScripts.RECLAIM.load(redis),
					RedisScripts.STASH.load(redis))
				.get(2, TimeUnit.SECONDS);
			this.clock.sample();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Redis queues: not prepared at start-up ({}); the first call connects", ex.toString());
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.consumers.forEach(RedisQueueConsumer::close);
		// What workers answered and callers asked goes out before the connections close.
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		for (Batcher<?> batcher : this.batchers) {
			batcher.awaitIdle(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
		}
		this.maintenance.shutdownNow();
		this.replies.failWaiting();
		this.callbacks.shutdown();
	}

	/**
	 * Redis time and a duration, for the deadline of a taken request.
	 * @param redisDeadlineMillis the deadline, by Redis' clock
	 * @return the deadline on this JVM's {@code nanoTime} clock
	 */
	long localDeadline(long redisDeadlineMillis) {
		return this.clock.toNanoTime(redisDeadlineMillis);
	}

	Duration leaseInterval() {
		return this.settings.visibilityTimeout().dividedBy(3);
	}

	/**
	 * What the caller of a streamed call granted its worker ({@link RedisQueueSettings#credit}).
	 * @param replyTo the caller's reply list
	 * @param invocationId the call
	 * @return the grant as written, {@code null} when absent
	 * @throws InterruptedException when the worker's thread is interrupted
	 */
	String credit(String replyTo, String invocationId) throws InterruptedException {
		try {
			return this.connections.shared().get(this.settings.credit(replyTo, invocationId))
				.get(5, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			// Redis away: no grant read this time; the worker waits on, to its deadline at most.
			return "0";
		}
	}

}
