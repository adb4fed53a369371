package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import java.util.function.Consumer;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.core.ExecutionEvents;
import io.execution.core.Futures;
import io.execution.core.InvocationIds;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.DeadLetter;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueLane;
import io.execution.queue.QueueLimits;
import io.execution.queue.QueueState;
import io.execution.redis.RedisConnections;
import io.execution.registry.WorkerRegistry;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
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

	private final String replies;

	/** A stream entry id, as dead letters are named. */
	private static final java.util.regex.Pattern DEAD_LETTER_ID = java.util.regex.Pattern.compile("\\d{1,20}-\\d{1,20}");

	private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();

	/** Marks a reply that is a chunk of a streamed result, not the final one. */
	static final String CHUNK = "~";

	private final Map<String, Consumer<byte[]>> chunks = new ConcurrentHashMap<>();

	private final List<RedisQueueConsumer> consumers = new CopyOnWriteArrayList<>();

	private final RedisClock clock;

	private final ExpiryRefreshes expiries;

	private volatile RedisClusterAsyncCommands<String, byte[]> replyConnection;

	private final ScheduledExecutorService maintenance = Executors
		.newSingleThreadScheduledExecutor(daemon("execution-redis-maintenance"));

	private final ExecutorService callbacks = Executors.newCachedThreadPool(daemon("execution-redis-callbacks"));

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
		this.replies = settings.replies(this.caller);
		this.clock = new RedisClock(connections);
		this.expiries = new ExpiryRefreshes(settings.retention());
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
	@Override
	public String unavailable(String queue) {
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

	private final Executor callbackExecutor = (task) -> {
		try {
			this.callbacks.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed: what completes now are the failures of calls cut short; run them here.
			task.run();
		}
	};

	@Override
	public CompletableFuture<byte[]> submitStream(String queue, String invocationId, byte[] request,
			long deadlineNanos, boolean idempotent, Consumer<byte[]> chunks) {
		return submitStream(queue, invocationId, request, deadlineNanos, idempotent, QueueLane.DEFAULT, chunks);
	}

	@Override
	public CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent) {
		CompletableFuture<byte[]> result = expect(queue, invocationId);
		CompletableFuture<String> added = new CompletableFuture<>();
		this.submissions.computeIfAbsent(queue, this::submitter)
			.add(new Submission(invocationId, request, deadlineNanos, idempotent, result, added));
		added.whenComplete((entryId, failure) -> rejectUnless(result, queue, invocationId, entryId != null, failure));
		result.whenComplete((body, failure) -> {
			this.pending.remove(invocationId, result);
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				added.thenAccept((entryId) -> {
					if (entryId != null) {
						cancel(queue, invocationId, entryId);
					}
				});
			}
		});
		return result;
	}

	@Override
	public CompletableFuture<byte[]> submitStream(String queue, String invocationId, byte[] request,
			long deadlineNanos, boolean idempotent, QueueLane lane, Consumer<byte[]> chunks) {
		this.chunks.put(invocationId, chunks);
		CompletableFuture<byte[]> result;
		try {
			result = lane.isDefault() ? submit(queue, invocationId, request, deadlineNanos, idempotent)
					: submit(queue, invocationId, request, deadlineNanos, idempotent, lane);
		}
		catch (RuntimeException ex) {
			this.chunks.remove(invocationId);
			throw ex;
		}
		result.whenComplete((body, failure) -> this.chunks.remove(invocationId));
		return result;
	}

	/**
	 * Stages a request in its lane with one script (priority level, fairness key, requirement):
	 * a worker takes it by priority, keys in turn, only with the tags it requires. A request
	 * no live worker could take is refused at once.
	 */
	@Override
	public CompletableFuture<byte[]> submit(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent, QueueLane lane) {
		if (lane.isDefault()) {
			return submit(queue, invocationId, request, deadlineNanos, idempotent);
		}
		if (!lane.requires().isEmpty()) {
			String unavailable = unavailable(queue, lane.requires());
			if (unavailable != null) {
				throw new ExecutionRejectedException("Call [" + invocationId + "] cannot run: " + unavailable);
			}
		}
		CompletableFuture<byte[]> result = expect(queue, invocationId);
		long timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
		CompletableFuture<List<Object>> staged;
		try {
			staged = RedisScripts.SUBMIT_LANED.call(this.connections.shared(),
					new String[] { this.settings.requests(queue) }, this.settings.laneBase(queue),
					String.valueOf(this.settings.capacity()), String.valueOf(this.settings.retention().toMillis()),
					invocationId, request, String.valueOf(timeout), this.replies,
					idempotent ? "1" : "0", String.valueOf(lane.priority()), laneName(lane));
		}
		catch (RuntimeException ex) {
			staged = CompletableFuture.failedFuture(ex);
		}
		staged.whenComplete((added, failure) -> rejectUnless(result, queue, invocationId,
				added != null && !added.isEmpty() && added.get(0) != null, failure));
		result.whenComplete((body, failure) -> {
			this.pending.remove(invocationId, result);
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				// A staged request is dropped by the worker that takes it: it finds the marker first.
				this.connections.shared()
					.set(this.settings.cancelMarker(queue, invocationId), "1",
							io.lettuce.core.SetArgs.Builder.px(this.settings.retention().toMillis()));
			}
		});
		return result;
	}

	/**
	 * Fails a call whose request Redis did not take: unreachable (the failure), or full (not
	 * added).
	 */
	private void rejectUnless(CompletableFuture<byte[]> result, String queue, String invocationId, boolean added,
			Throwable failure) {
		if (failure != null) {
			result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue
					+ "' is unreachable: Redis refused or did not answer (" + Futures.unwrap(failure) + ") ["
					+ invocationId + "]", failure));
		}
		else if (!added) {
			result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue + "' is full: "
					+ this.settings.capacity() + " requests wait or run already (execution.queue.capacity) ["
					+ invocationId + "]"));
		}
	}

	/** A lane's name in Redis: its requirement, then its fairness key. */
	static String laneName(QueueLane lane) {
		return lane.requirement() + "|" + ((lane.fairnessKey() != null) ? lane.fairnessKey() : "");
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
	public CompletableFuture<byte[]> submitLater(String queue, String invocationId, byte[] request, long delayMillis,
			long timeoutMillis, long deadlineNanos, boolean idempotent) {
		return submitLater(queue, invocationId, request, delayMillis, timeoutMillis, deadlineNanos, idempotent,
				QueueLane.DEFAULT);
	}

	@Override
	public CompletableFuture<byte[]> submitLater(String queue, String invocationId, byte[] request, long delayMillis,
			long timeoutMillis, long deadlineNanos, boolean idempotent, QueueLane lane) {
		CompletableFuture<byte[]> result = expect(queue, invocationId);
		if (!lane.isDefault()) {
			// Its lane is kept first: a request moved when due without it would join the plain queue.
			try {
				this.connections.shared()
					.hset(this.settings.scheduledLanes(queue), invocationId, lane.priority() + "\n" + laneName(lane))
					.get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				this.pending.remove(invocationId, result);
				throw new ExecutionRejectedException("Queue '" + queue + "' is unreachable: Redis refused or did not"
						+ " answer (" + ex + ") [" + invocationId + "]", ex);
			}
		}
		RedisScripts.SCHEDULE
			.<Long>call(this.connections.shared(),
					new String[] { this.settings.scheduled(queue), this.settings.scheduledBodies(queue) }, invocationId,
					String.valueOf(delayMillis), String.valueOf(timeoutMillis), this.replies, idempotent ? "1" : "0",
					request, String.valueOf(this.settings.retention().toMillis()))
			.whenComplete((due, failure) -> {
				if (failure != null) {
					result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue
							+ "' is unreachable: Redis refused or did not answer (" + Futures.unwrap(failure) + ") ["
							+ invocationId + "]", failure));
				}
			});
		result.whenComplete((body, failure) -> {
			this.pending.remove(invocationId, result);
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				// Dropped if still held; marked in case it reached the queue meanwhile. Never waited for here.
				unschedule(queue, invocationId);
				this.connections.shared()
					.set(this.settings.cancelMarker(queue, invocationId), "1",
							io.lettuce.core.SetArgs.Builder.px(this.settings.retention().toMillis()));
			}
		});
		return result;
	}

	/**
	 * The future of a request about to be sent: the backend must be open and able to read its
	 * answer.
	 */
	private CompletableFuture<byte[]> expect(String queue, String invocationId) {
		if (this.closed) {
			throw new ExecutionRejectedException("Queue '" + queue + "' is closed: the application is shutting down ["
					+ invocationId + "]");
		}
		try {
			startReplyReader();
		}
		catch (RuntimeException ex) {
			throw new ExecutionRejectedException("Queue '" + queue + "' is unreachable: cannot connect to Redis ("
					+ ex.getMessage() + "; spring.data.redis.*) [" + invocationId + "]", ex);
		}
		CompletableFuture<byte[]> result = new CompletableFuture<>();
		this.pending.put(invocationId, result);
		return result;
	}

	/** Drops a request held until it is due; one already on the queue is cancelled as any other. */
	private CompletableFuture<Long> unschedule(String queue, String invocationId) {
		try {
			return RedisScripts.UNSCHEDULE.run(this.connections.shared(), new String[] { this.settings.scheduled(queue),
					this.settings.scheduledBodies(queue), this.settings.scheduledLanes(queue) }, invocationId);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Moves a queue's due requests onto it (a worker of the queue does this on its maintenance
	 * tick), telling how late each is.
	 * @param queue the queue
	 * @return the requests moved
	 */
	CompletableFuture<Integer> moveDue(String queue) {
		return RedisScripts.MOVE_DUE
			.<List<Object>>run(this.connections.shared(),
					new String[] { this.settings.scheduled(queue), this.settings.scheduledBodies(queue),
							this.settings.requests(queue), this.settings.scheduledLanes(queue) },
					String.valueOf(MOVE_BATCH), String.valueOf(this.settings.capacity()),
					String.valueOf(this.settings.retention().toMillis()), this.settings.laneBase(queue))
			.thenApply((late) -> {
				for (Object lateness : late) {
					this.events.scheduledStarted(queue, ((Number) lateness).longValue());
				}
				return late.size();
			});
	}

	/** The most due requests one move takes. */
	static final int MOVE_BATCH = 200;

	/** A request waiting to be put on its queue with the next batch. */
	private record Submission(String invocationId, byte[] body, long deadlineNanos, boolean idempotent,
			CompletableFuture<byte[]> result, CompletableFuture<String> added) {
	}

	private static final int SUBMIT_BATCH_ITEMS = 64;

	private static final int BATCH_BYTES = 1 << 20;

	private Batcher<Submission> submitter(String queue) {
		Batcher<Submission> batcher = new Batcher<>((batch) -> sendSubmissions(queue, batch),
				(batch, failure) -> batch.forEach((submission) -> submission.added().completeExceptionally(failure)),
				SUBMIT_BATCH_ITEMS, (submission) -> submission.body().length, BATCH_BYTES);
		register(batcher);
		return batcher;
	}

	/**
	 * Puts a batch of requests on a queue with one script. A request whose caller gave up while
	 * it waited for the batch is left out.
	 */
	private CompletableFuture<List<Object>> sendSubmissions(String queue, List<Submission> batch) {
		String stream = this.settings.requests(queue);
		List<Submission> sent = new ArrayList<>(batch.size());
		List<Object> args = new ArrayList<>(3 + batch.size() * 5);
		args.add(String.valueOf(this.settings.capacity()));
		args.add(String.valueOf(this.settings.retention().toMillis()));
		args.add(this.expiries.due(stream));
		long now = System.nanoTime();
		for (Submission submission : batch) {
			if (submission.result().isDone()) {
				submission.added().complete(null);
				continue;
			}
			sent.add(submission);
			args.add(submission.invocationId());
			args.add(submission.body());
			args.add(String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toMillis(submission.deadlineNanos() - now))));
			args.add(this.replies);
			args.add(submission.idempotent() ? "1" : "0");
		}
		if (sent.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<List<Object>> added = RedisScripts.SUBMIT.call(this.connections.shared(),
				new String[] { stream }, args.toArray());
		return added.whenComplete((entryIds, failure) -> {
			for (int i = 0; i < sent.size(); i++) {
				if (failure != null) {
					sent.get(i).added().completeExceptionally(failure);
				}
				else {
					Object entryId = (i < entryIds.size()) ? entryIds.get(i) : null;
					sent.get(i).added().complete((entryId != null) ? entryId.toString() : null);
				}
			}
		});
	}

	private final Map<String, Batcher<Submission>> submissions = new ConcurrentHashMap<>();

	private final List<Batcher<?>> batchers = new CopyOnWriteArrayList<>();

	/**
	 * Keeps a batcher to wait for when the backend closes.
	 * @param batcher the batcher
	 */
	void register(Batcher<?> batcher) {
		this.batchers.add(batcher);
	}

	private void cancel(String queue, String invocationId, String entryId) {
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		// Drops the request if no worker read it; a worker running it finds the marker within a second.
		RedisScripts.CANCEL.run(redis,
				new String[] { this.settings.requests(queue), this.settings.cancelMarker(queue, invocationId) }, entryId,
				String.valueOf(this.settings.retention().toMillis()));
	}

	@Override
	public boolean cancel(String queue, String invocationId) {
		try {
			unschedule(queue, invocationId).get(5, TimeUnit.SECONDS);
			this.connections.shared()
				.set(this.settings.cancelMarker(queue, invocationId), "1",
						io.lettuce.core.SetArgs.Builder.px(this.settings.retention().toMillis()))
				.get(5, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new ExecutionRejectedException("Cannot cancel [" + invocationId + "] on queue '" + queue
					+ "': Redis refused or did not answer (" + ex + ")", ex);
		}
	}

	@Override
	public QueueConsumer consumer(String queue) {
		return consumer(queue, 8);
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency) {
		return consumer(queue, concurrency, QueueLimits.NONE);
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency, QueueLimits limits) {
		return consumer(queue, concurrency, ConsumerOptions.DEFAULT.withLimits(limits));
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options) {
		RedisQueueConsumer consumer = new RedisQueueConsumer(this, queue, concurrency, options);
		this.consumers.add(consumer);
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
	public List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		try {
			List<StreamMessage<String, String>> entries = this.connections.shared()
				.xrevrange(this.settings.deadLetters(queue), Range.create("-", "+"), Limit.create(0, offset + limit))
				.get(10, TimeUnit.SECONDS);
			return entries.stream().skip(offset).map((entry) -> deadLetter(queue, entry)).toList();
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public Optional<DeadLetter> deadLetter(String queue, String id) {
		if (!DEAD_LETTER_ID.matcher(id).matches()) {
			return Optional.empty();
		}
		try {
			List<StreamMessage<String, String>> entries = this.connections.shared()
				.xrange(this.settings.deadLetters(queue), Range.create(id, id))
				.get(10, TimeUnit.SECONDS);
			return entries.stream().findFirst().map((entry) -> deadLetter(queue, entry));
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public boolean requeue(String queue, String id, long timeoutMillis) {
		if (!DEAD_LETTER_ID.matcher(id).matches()) {
			return false;
		}
		try {
			Object requeued = RedisScripts.REQUEUE
				.run(this.connections.shared(),
						new String[] { this.settings.deadLetters(queue), this.settings.requests(queue) }, id,
						String.valueOf(timeoutMillis), this.replies, String.valueOf(this.settings.capacity()),
						String.valueOf(this.settings.retention().toMillis()), this.settings.laneBase(queue))
				.get(10, TimeUnit.SECONDS);
			return requeued != null;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			if (String.valueOf(ex.getCause()).contains("QUEUE_FULL")) {
				throw new ExecutionRejectedException("Queue '" + queue + "' is full (execution.queue.capacity): dead"
						+ " letter " + id + " stays where it is");
			}
			throw unreadable(queue, ex);
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public long purge(String queue, String id) {
		var redis = this.connections.shared();
		try {
			if (id == null) {
				long count = redis.xlen(this.settings.deadLetters(queue)).get(10, TimeUnit.SECONDS);
				redis.del(this.settings.deadLetters(queue)).get(10, TimeUnit.SECONDS);
				return count;
			}
			if (!DEAD_LETTER_ID.matcher(id).matches()) {
				return 0;
			}
			return redis.xdel(this.settings.deadLetters(queue), id).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	private static DeadLetter deadLetter(String queue, StreamMessage<String, String> entry) {
		Map<String, String> fields = entry.getBody();
		int attempts;
		try {
			attempts = Integer.parseInt(fields.getOrDefault("attempts", "1"));
		}
		catch (NumberFormatException ex) {
			attempts = 1;
		}
		long at = Long.parseLong(entry.getId().split("-")[0]);
		return new DeadLetter(queue, entry.getId(), fields.get("id"), null, null, false, fields.get("cause"), attempts,
				java.time.Instant.ofEpochMilli(at), fields.getOrDefault("body", ""));
	}

	private static ExecutionException unreadable(String queue, Exception ex) {
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
		Throwable cause = (ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null)
				? ex.getCause() : ex;
		return new ExecutionRejectedException("The dead letters of queue '" + queue + "' cannot be read or changed in"
				+ " Redis now: " + cause.getMessage(), cause);
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
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		return inUse;
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
			startReplyReader();
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

	private void startReplyReader() {
		if (this.replyConnection == null) {
			synchronized (this) {
				if (this.replyConnection == null && !this.closed) {
					this.replyConnection = this.connections.dedicatedBinary();
					waitForReplies();
				}
			}
		}
	}

	/**
	 * Reads this process's reply list without a thread of its own: each read is issued when the
	 * last one answers, on Lettuce's I/O thread, which completes the waiting callers directly. On
	 * Redis 7 one blocking pop takes up to 256 replies at once ({@code BLMPOP}); on Redis 6.2 a
	 * blocking pop waits for the next reply and, while other calls wait, a pop of up to 256 sent
	 * just after it takes a burst that came in meanwhile. Both answer in the list's order, so a
	 * stream's chunks arrive in the order they were sent.
	 */
	private void waitForReplies() {
		RedisClusterAsyncCommands<String, byte[]> redis = this.replyConnection;
		if (this.closed) {
			this.connections.release(redis);
			return;
		}
		if (this.popsMany) {
			waitForManyReplies(redis);
			return;
		}
		RedisFuture<KeyValue<String, byte[]>> next;
		try {
			next = redis.blpop(REPLY_WAIT_SECONDS, this.replies);
		}
		catch (RuntimeException ex) {
			// The connection refused the command outright: try again shortly, as for a failure.
			retryReplies();
			return;
		}
		next.whenComplete((first, failure) -> {
			if (failure != null) {
				if (!this.closed) {
					logger.debug("Reading replies from Redis failed; trying again: {}", failure.toString());
				}
				retryReplies();
				return;
			}
			if (first != null && first.hasValue()) {
				deliver(first.getValue());
				// More replies can only be waiting if other calls or streams are.
				if (!this.closed && (!this.pending.isEmpty() || !this.chunks.isEmpty())) {
					redis.lpop(this.replies, 256).thenAccept((more) -> {
						if (more != null) {
							more.forEach(this::deliver);
						}
					});
				}
			}
			waitForReplies();
		});
	}

	/** Whether Redis pops many replies with one blocking command (7.0 on); found out by the first read. */
	private volatile boolean popsMany = true;

	private static final io.lettuce.core.LMPopArgs MANY_REPLIES = io.lettuce.core.LMPopArgs.Builder.left().count(256);

	private void waitForManyReplies(RedisClusterAsyncCommands<String, byte[]> redis) {
		RedisFuture<KeyValue<String, List<byte[]>>> next;
		try {
			next = redis.blmpop(REPLY_WAIT_SECONDS, MANY_REPLIES, this.replies);
		}
		catch (RuntimeException ex) {
			retryReplies();
			return;
		}
		next.whenComplete((popped, failure) -> {
			if (failure != null) {
				if (String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("unknown command")) {
					// Redis 6.2: one blocking pop, then a pop of many.
					this.popsMany = false;
					waitForReplies();
					return;
				}
				if (!this.closed) {
					logger.debug("Reading replies from Redis failed; trying again: {}", failure.toString());
				}
				retryReplies();
				return;
			}
			if (popped != null && popped.hasValue()) {
				popped.getValue().forEach(this::deliver);
			}
			waitForReplies();
		});
	}

	private static final long REPLY_WAIT_SECONDS = 1;

	/**
	 * Reads replies again shortly after a failed read, on the backend's own maintenance thread
	 * (which only starts the asynchronous read); nothing once the backend is closed.
	 */
	private void retryReplies() {
		try {
			this.maintenance.schedule(this::waitForReplies, 100, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: no more replies to wait for.
			this.connections.release(this.replyConnection);
		}
	}

	/**
	 * Completes the call a reply answers: {@code <invocation id>\n<envelope>}, or for a chunk of a
	 * streamed result {@code ~<invocation id>\n<chunk>}.
	 */
	private void deliver(byte[] reply) {
		int newline = -1;
		for (int i = 0; i < reply.length; i++) {
			if (reply[i] == '\n') {
				newline = i;
				break;
			}
		}
		if (newline < 0) {
			return;
		}
		byte[] body = java.util.Arrays.copyOfRange(reply, newline + 1, reply.length);
		if (newline > 0 && reply[0] == CHUNK_MARK) {
			Consumer<byte[]> call = this.chunks.get(new String(reply, 1, newline - 1, StandardCharsets.UTF_8));
			if (call != null) {
				call.accept(body);
			}
			return;
		}
		CompletableFuture<byte[]> call = this.pending.remove(new String(reply, 0, newline, StandardCharsets.UTF_8));
		if (call != null) {
			call.complete(body);
		}
		// No call: a late or duplicate reply, dropped.
	}

	private static final byte CHUNK_MARK = (byte) CHUNK.charAt(0);

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
		this.pending.values().forEach((call) -> call.completeExceptionally(new ExecutionRejectedException(
				"The application is shutting down: the call's reply can no longer be received")));
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

}
