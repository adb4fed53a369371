package io.execution.queue.jdbc;

import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.core.ExecutionEvents;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.DeadLetterStore;
import io.execution.queue.LaneDepth;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueState;
import io.execution.queue.QueuedCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Queued calls in PostgreSQL, the database the application already has. A call is a row of
 * the call table, inserted through the application's {@link DataSource} — inside its
 * transaction when there is one, so that workers see it only once that commits and never when it
 * rolls back. Workers claim rows with {@code FOR UPDATE SKIP LOCKED} under a lease they renew;
 * a lease that runs out hands an idempotent call to another worker and makes any other a dead
 * letter, its caller told. {@code LISTEN/NOTIFY} on one connection of its own wakes workers and
 * callers; a poll covers its absence.
 */
public final class JdbcQueueBackend implements QueueBackend {

	private static final Logger logger = LoggerFactory.getLogger(JdbcQueueBackend.class);

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	/** The transactions of the claims that count (limits, fairness turns): one for every consumer. */
	private final org.springframework.transaction.support.TransactionTemplate transactions;

	/** Runs statements outside the caller's transaction (stream chunks, cached results). */
	private final org.springframework.transaction.support.TransactionTemplate outside;

	private final JdbcQueueSettings settings;

	private final String id = UUID.randomUUID().toString().replace("-", "");

	private final JdbcReplies replies;

	private final JdbcDeadLetters deadLetters;

	private final JdbcNotifications notifications;

	private final List<JdbcQueueConsumer> consumers = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService upkeep;

	private final String insert;

	private final String requeue;

	private final String renew;

	private final String expire;

	private final String kill;

	private final String dead;

	private volatile boolean open = true;

	/**
	 * The calls of each queue this process queues to, as counted at the last poll plus those it
	 * queued since: a bound on what it adds, checked without a count per call.
	 */
	private final Map<String, java.util.concurrent.atomic.AtomicLong> depths = new java.util.concurrent.ConcurrentHashMap<>();

	private final ExecutionEvents events;

	/**
	 * A backend on a database whose tables exist ({@link JdbcSchema#create}).
	 * @param dataSource the application's data source (its transactions are joined)
	 * @param listening opens the connection that listens for notifications, held for the
	 * backend's life (not one of the pool's, ideally)
	 * @param settings the settings
	 */
	public JdbcQueueBackend(DataSource dataSource, Callable<Connection> listening, JdbcQueueSettings settings) {
		this(dataSource, listening, settings, ExecutionEvents.NONE);
	}

	/**
	 * A backend on a database whose tables exist, telling what happens to its calls.
	 * @param dataSource the application's data source (its transactions are joined)
	 * @param listening opens the connection that listens for notifications
	 * @param settings the settings
	 * @param events hears of redeliveries, dead letters and scheduled calls' lateness
	 */
	public JdbcQueueBackend(DataSource dataSource, Callable<Connection> listening, JdbcQueueSettings settings,
			ExecutionEvents events) {
		this.events = events;
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		var manager = new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource);
		this.transactions = new org.springframework.transaction.support.TransactionTemplate(manager);
		this.outside = new org.springframework.transaction.support.TransactionTemplate(manager);
		this.outside.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.settings = settings;
		this.upkeep = Executors.newSingleThreadScheduledExecutor(settings.threads());
		this.replies = new JdbcReplies(this.jdbc, settings, this.id, this.upkeep);
		this.deadLetters = new JdbcDeadLetters(this.jdbc, settings, this.id);
		this.notifications = new JdbcNotifications(listening, settings);
		this.notifications.listen(settings.workChannel(), this::wake);
		this.notifications.listen(settings.replyChannel(this.id), this.replies::notified);
		String call = settings.table("call");
		this.insert = "WITH queued AS (INSERT INTO " + call + " (queue, invocation_id, request, idempotent, priority,"
				+ " fairness_key, requires, due, deadline, caller, granted) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb,"
				+ " clock_timestamp() + ? * interval '1 millisecond', clock_timestamp() + ? * interval '1 millisecond', ?,"
				+ " ?::bigint)"
				+ " RETURNING queue) SELECT pg_notify(?, ?) FROM queued";
		this.requeue = "WITH back AS (UPDATE " + call + " SET worker = NULL, lease_until = NULL,"
				+ " deliveries = deliveries - 1 WHERE id = ANY(?) AND worker = ? RETURNING queue)"
				+ " SELECT pg_notify(?, queue) FROM (SELECT DISTINCT queue FROM back) queues";
		this.renew = "UPDATE " + call + " SET lease_until = clock_timestamp() + ? * interval '1 millisecond'"
				+ " WHERE worker = ? AND id = ANY(?) RETURNING id, cancelled";
		this.expire = "WITH back AS (UPDATE " + call + " SET worker = NULL, lease_until = NULL WHERE queue = ?"
				+ " AND worker IS NOT NULL AND lease_until < clock_timestamp() AND idempotent AND deliveries < ?"
				+ " AND NOT cancelled RETURNING queue), told AS (SELECT pg_notify(?, queue) FROM (SELECT DISTINCT queue"
				+ " FROM back) queues) SELECT (SELECT count(*) FROM back), (SELECT count(*) FROM told)";
		this.kill = deadLetterSql("queue = ? AND worker IS NOT NULL AND lease_until < clock_timestamp()"
				+ " AND (NOT idempotent OR deliveries >= ? OR cancelled)", "?::text", "convert_to('{\"v\":1,\"id\":'"
				+ " || to_json(invocation_id)::text || ',\"ok\":false,\"error\":{\"code\":\"may-have-run\",\"message\":'"
				+ " || to_json(?::text)::text || '}}', 'UTF8')");
		this.dead = deadLetterSql("id = ? AND worker = ?", "?::text", "?::bytea");
	}

	/** Moves the rows matching a condition to the dead letters, answering their callers. */
	private String deadLetterSql(String where, String cause, String answer) {
		return "WITH dead AS (DELETE FROM " + this.settings.table("call") + " WHERE " + where + " RETURNING *),"
				+ " kept AS (INSERT INTO " + this.settings.table("dead_letter") + " (queue, invocation_id, request,"
				+ " idempotent, priority, fairness_key, requires, cause, attempts) SELECT queue, invocation_id, request,"
				+ " idempotent, priority, fairness_key, requires, " + cause + ", deliveries FROM dead RETURNING 1),"
				+ " answered AS (INSERT INTO " + this.settings.table("reply") + " (invocation_id, caller, result)"
				+ " SELECT invocation_id, caller, " + answer + " FROM dead RETURNING caller),"
				+ " told AS (SELECT pg_notify(? || caller, '') FROM answered)"
				+ " SELECT queue, invocation_id, request, (SELECT count(*) FROM told), (SELECT count(*) FROM kept) FROM dead";
	}

	/**
	 * Starts listening and the upkeep of leases; called once the backend is built.
	 * @return this backend
	 */
	public JdbcQueueBackend start() {
		this.notifications.start();
		long renewMillis = Math.max(100, this.settings.visibilityTimeout().toMillis() / 3);
		this.upkeep.scheduleWithFixedDelay(this::renewAndTakeOver, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
		long poll = this.settings.pollInterval().toMillis();
		this.upkeep.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
		return this;
	}

	@Override
	public String name() {
		return "jdbc";
	}

	@Override
	public boolean schedules() {
		return true;
	}

	@Override
	public CompletableFuture<Envelope> submit(QueuedCall call) {
		if (!this.open) {
			throw new ExecutionRejectedException("Queue '" + call.queue() + "' is closed");
		}
		// Bound to the application's transaction on this data source: the row is seen after its commit.
		boolean transactional = TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.hasResource(this.dataSource);
		if (transactional && call.awaited() && call.streamed()) {
			throw new ExecutionRejectedException("Call [" + call.invocationId() + "] to queue '" + call.queue()
					+ "' is a stream opened inside a transaction: workers see it only after that transaction commits,"
					+ " which waits for the stream to be read. Open it outside the transaction");
		}
		if (transactional && call.awaited()) {
			throw new ExecutionRejectedException("Call [" + call.invocationId() + "] to queue '" + call.queue()
					+ "' is synchronous and made inside a transaction: workers see it only after that transaction"
					+ " commits, which waits for the call. Make it asynchronous (a CompletableFuture return type, or"
					+ " an execution), which completes after the commit, or make it outside the transaction");
		}
		java.util.concurrent.atomic.AtomicLong depth = this.depths.computeIfAbsent(call.queue(),
				(queue) -> new java.util.concurrent.atomic.AtomicLong());
		if (this.settings.capacity() > 0 && depth.get() >= this.settings.capacity()) {
			throw new ExecutionRejectedException("Queue '" + call.queue() + "' is full: it holds " + depth.get()
					+ " calls, its capacity (execution.queue.capacity=" + this.settings.capacity() + ")");
		}
		CompletableFuture<Envelope> result = new CompletableFuture<>();
		this.replies.expect(call.invocationId(), result);
		Long granted = null;
		if (call.streamed()) {
			// Its chunks go to its consumer in order until the final answer; the caller's grants to the row.
			this.replies.streaming(call.invocationId(), call.chunks());
			result.whenComplete((body, failure) -> this.replies.streamed(call.invocationId()));
			if (call.demand() != null) {
				granted = call.demand().granted();
				call.demand().onGrant((chunks) -> grant(call.invocationId(), chunks));
			}
		}
		long due = call.delayMillis();
		long deadline = call.later() ? due + call.timeoutMillis()
				: Math.max(1, TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos() - System.nanoTime()));
		try {
			this.jdbc.sql(this.insert)
				.params(call.queue(), call.invocationId(), call.request().bytes(), call.idempotent(), call.lane().priority(),
						call.lane().fairnessKey(), json(call.lane().requires()), due, deadline, this.id, granted,
						this.settings.workChannel(), (due > 0) ? call.queue() + " " + due : call.queue())
				.query((row, i) -> 1)
				.list();
		}
		catch (RuntimeException ex) {
			this.replies.forget(call.invocationId());
			this.replies.streamed(call.invocationId());
			throw new ExecutionRejectedException("Queue '" + call.queue() + "' could not take call ["
					+ call.invocationId() + "]: " + ex.getMessage(), ex);
		}
		depth.incrementAndGet();
		if (transactional && TransactionSynchronizationManager.isSynchronizationActive()) {
			// Queued with the transaction: gone if it rolls back.
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					if (status != STATUS_COMMITTED) {
						result.completeExceptionally(new ExecutionRejectedException("Call [" + call.invocationId()
								+ "] was queued in a transaction that rolled back: it was never queued"));
					}
				}
			});
		}
		result.whenComplete((body, failure) -> {
			if (result.isCancelled()) {
				this.upkeep.execute(() -> cancel(call.queue(), call.invocationId()));
			}
		});
		return result;
	}

	/** The caller of a streamed call read more: its worker may send this many chunks (written on the upkeep thread). */
	private void grant(String invocationId, long chunks) {
		try {
			this.upkeep.execute(() -> {
				try {
					this.jdbc.sql("UPDATE " + this.settings.table("call") + " SET granted = greatest(granted, ?)"
							+ " WHERE invocation_id = ?").params(chunks, invocationId).update();
				}
				catch (RuntimeException ex) {
					logger.debug("Granting call [{}] {} chunks failed: {}", invocationId, chunks, ex.toString());
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Closing: the stream ends with the backend.
		}
	}

	/** What starts a notification on the work channel that a running call was cancelled. */
	private static final String CANCEL = "\ncancel ";

	@Override
	public boolean cancel(String queue, String invocationId) {
		String call = this.settings.table("call");
		try {
			int dropped = this.jdbc.sql("DELETE FROM " + call + " WHERE queue = ? AND invocation_id = ? AND worker IS NULL")
				.params(queue, invocationId)
				.update();
			if (dropped == 0) {
				// Marked for the renewal to see, and told to the workers at once (a line of its own: no queue's name).
				this.jdbc.sql("WITH marked AS (UPDATE " + call + " SET cancelled = TRUE WHERE queue = ? AND invocation_id = ?"
						+ " RETURNING invocation_id) SELECT pg_notify(?, ?) FROM marked")
					.params(queue, invocationId, this.settings.workChannel(), CANCEL + invocationId)
					.query((row, i) -> 1)
					.list();
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Queue '{}': cancelling call [{}] failed: {}", queue, invocationId, ex.toString());
			return false;
		}
	}

	@Override
	public DeadLetterStore deadLetters() {
		return this.deadLetters;
	}

	@Override
	public QueueState state(String queue) {
		try {
			return this.jdbc.sql("SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(created)"
					+ " FILTER (WHERE worker IS NULL AND due <= clock_timestamp())) * 1000, 0)::bigint,"
					+ " count(*) FILTER (WHERE due > clock_timestamp()), (extract(epoch FROM min(due)"
					+ " FILTER (WHERE due > clock_timestamp()) - clock_timestamp()) * 1000)::bigint, (SELECT count(*)"
					+ " FROM " + this.settings.table("dead_letter") + " WHERE queue = ?) FROM "
					+ this.settings.table("call") + " WHERE queue = ?")
				.params(queue, queue)
				.query((row, i) -> {
					long nextDue = row.getLong(4);
					Duration next = row.wasNull() ? null : Duration.ofMillis(Math.max(0, nextDue));
					return new QueueState(row.getLong(1), Duration.ofMillis(row.getLong(2)), row.getLong(5),
							row.getLong(3), next, lanes(queue));
				})
				.single();
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': its state cannot be read now: {}", queue, ex.toString());
			return QueueState.UNKNOWN;
		}
	}

	/** Paused: a row beside the queue, read by every worker's gate (a pause outlives restarts). */
	@Override
	public boolean paused(String queue) {
		try {
			return this.jdbc.sql("SELECT paused FROM " + this.settings.table("queue") + " WHERE queue = ?")
				.param(queue)
				.query(Boolean.class)
				.optional()
				.orElse(false);
		}
		catch (RuntimeException ex) {
			throw new io.execution.ExecutionException("Whether queue '" + queue + "' is paused could not be read: "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public void pause(String queue, boolean paused) {
		try {
			this.jdbc.sql("INSERT INTO " + this.settings.table("queue") + " (queue, paused) VALUES (?, ?)"
					+ " ON CONFLICT (queue) DO UPDATE SET paused = EXCLUDED.paused")
				.params(queue, paused)
				.update();
		}
		catch (RuntimeException ex) {
			throw new io.execution.ExecutionException("Queue '" + queue + "' could not be " + (paused ? "paused" : "resumed")
					+ " in the database: " + ex.getMessage(), ex);
		}
	}

	/** The calls waiting outside the plain lane, by priority, key and requirement (100 lanes at most). */
	private List<LaneDepth> lanes(String queue) {
		return this.jdbc.sql("SELECT priority, fairness_key, coalesce((SELECT string_agg(key || '=' || value, ','"
				+ " ORDER BY key) FROM jsonb_each_text(requires)), ''), count(*) FROM " + this.settings.table("call")
				+ " WHERE queue = ? AND worker IS NULL AND (priority <> 0 OR fairness_key IS NOT NULL OR requires <> '{}')"
				+ " GROUP BY priority, fairness_key, requires ORDER BY priority DESC, fairness_key LIMIT 100")
			.param(queue)
			.query((row, i) -> new LaneDepth(row.getInt(1), row.getString(2), row.getString(3), row.getLong(4)))
			.list();
	}

	@Override
	public QueueConsumer consumer(String queue, int concurrency, ConsumerOptions options) {
		JdbcQueueConsumer consumer = new JdbcQueueConsumer(this, queue, concurrency, options);
		this.consumers.add(consumer);
		return consumer;
	}

	/**
	 * A notification that a queue has calls: its name, and for a call due later a space and how
	 * many milliseconds until it is due — the workers are woken then too, not a poll later.
	 */
	private void wake(String payload) {
		if (payload.startsWith(CANCEL)) {
			String invocationId = payload.substring(CANCEL.length());
			this.consumers.forEach((consumer) -> consumer.cancelled(invocationId));
			return;
		}
		int space = payload.lastIndexOf(' ');
		if (space > 0) {
			String queue = payload.substring(0, space);
			try {
				long due = Long.parseLong(payload.substring(space + 1));
				// A few milliseconds after: the database's clock decides when it is due.
				this.upkeep.schedule(() -> wakeNow(queue), due + 5, TimeUnit.MILLISECONDS);
			}
			catch (NumberFormatException | java.util.concurrent.RejectedExecutionException ex) {
				// The poll takes it.
			}
			return;
		}
		wakeNow(payload);
	}

	private void wakeNow(String queue) {
		for (JdbcQueueConsumer consumer : this.consumers) {
			if (consumer.queue().equals(queue)) {
				consumer.wake();
			}
		}
	}

	/** Without notifications, or in case one was missed: answers waiting are taken. */
	private void poll() {
		if (this.replies.any()) {
			this.replies.fetch();
		}
		if (this.settings.capacity() > 0 && !this.depths.isEmpty()) {
			try {
				Map<String, Long> counted = new HashMap<>();
				this.jdbc.sql("SELECT queue, count(*) FROM " + this.settings.table("call") + " WHERE queue = ANY(?)"
						+ " GROUP BY queue")
					.param(this.depths.keySet().toArray(String[]::new))
					.query((row, i) -> counted.put(row.getString(1), row.getLong(2)))
					.list();
				this.depths.forEach((queue, depth) -> depth.set(counted.getOrDefault(queue, 0L)));
			}
			catch (RuntimeException ex) {
				logger.debug("Counting the queues' calls failed: {}", ex.toString());
			}
		}
	}

	private void renewAndTakeOver() {
		try {
			for (JdbcQueueConsumer consumer : this.consumers) {
				List<JdbcDelivery> held = consumer.held();
				if (!held.isEmpty()) {
					Long[] rows = held.stream().map(JdbcDelivery::row).toArray(Long[]::new);
					Map<Long, Boolean> renewed = new HashMap<>();
					this.jdbc.sql(this.renew)
						.params(this.settings.visibilityTimeout().toMillis(), this.id, rows)
						.query((row, i) -> renewed.put(row.getLong(1), row.getBoolean(2)))
						.list();
					consumer.cancelled(renewed);
				}
				takeOver(consumer.queue());
			}
			this.jdbc.sql("DELETE FROM " + this.settings.table("reply")
					+ " WHERE created < clock_timestamp() - ? * interval '1 millisecond'")
				.param(this.settings.retention().toMillis())
				.update();
		}
		catch (RuntimeException ex) {
			if (this.open) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				logger.warn("Renewing leases failed; trying again: {}", cause.toString());
			}
		}
	}

	/** Calls whose worker stopped renewing: an idempotent one waits again, any other is a dead letter. */
	private void takeOver(String queue) {
		long requeued = this.jdbc.sql(this.expire)
			.params(queue, this.settings.maxDeliveries(), this.settings.workChannel())
			.query((row, i) -> row.getLong(1))
			.single();
		for (long i = 0; i < requeued; i++) {
			this.events.redelivered(queue);
		}
		String cause = "worker stopped; not idempotent or delivered too often";
		this.jdbc.sql(this.kill)
			.params(queue, this.settings.maxDeliveries(), cause,
					"The call may have run on a worker that stopped before answering; it is not run again because its"
							+ " method is not @Idempotent or it was delivered execution.jdbc.max-deliveries times",
					this.settings.replyChannel(""))
			.query((row, i) -> {
				this.events.deadLettered(row.getString(1), row.getString(2), row.getBytes(3), cause);
				return 1;
			})
			.list();
	}

	/**
	 * Runs a retention job with the backend's upkeep, every minute, on its own thread: the
	 * stores beside the queue (executions, keys, batches) keep their tables bounded this way.
	 * @param job the job; a failure is logged and the job runs again next time
	 */
	public void retentionJob(Runnable job) {
		upkeep(job, Duration.ofMinutes(1));
	}

	/**
	 * Runs a job with the backend's upkeep (lease renewals, take-overs, answers' retention), on
	 * its own thread, which may block on the database: the stores beside the queue keep their
	 * tables bounded and the worker registry beats this way.
	 * @param job the job; a failure is logged and the job runs again next time
	 * @param every how often, the first time at once
	 * @return the job's schedule, to cancel it
	 */
	public java.util.concurrent.ScheduledFuture<?> upkeep(Runnable job, Duration every) {
		return this.upkeep.scheduleWithFixedDelay(() -> {
			try {
				job.run();
			}
			catch (RuntimeException ex) {
				if (this.open) {
					logger.warn("An upkeep job failed; it runs again in {}: {}", every, ex.toString());
				}
			}
		}, 0, every.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The data source calls are written through.
	 * @return the application's data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * The settings.
	 * @return the settings
	 */
	public JdbcQueueSettings settings() {
		return this.settings;
	}

	/** Stops renewing leases and taking over, as a process that stopped would (for tests). */
	void stopUpkeep() {
		this.upkeep.shutdownNow();
	}

	void deadLetter(long row, String worker, byte[] answer, String cause) {
		try {
			this.jdbc.sql(this.dead)
				.params(row, worker, cause, answer, this.settings.replyChannel(""))
				.query((r, i) -> {
					this.events.deadLettered(r.getString(1), r.getString(2), r.getBytes(3), cause);
					return 1;
				})
				.list();
		}
		catch (RuntimeException ex) {
			logger.warn("Keeping a dead letter failed: {}", ex.toString());
		}
	}

	void giveBack(List<Long> rows) {
		if (rows.isEmpty()) {
			return;
		}
		try {
			this.jdbc.sql(this.requeue)
				.params(rows.toArray(Long[]::new), this.id, this.settings.workChannel())
				.query((row, i) -> 1)
				.list();
		}
		catch (RuntimeException ex) {
			// Their leases run out and they are taken over.
			logger.debug("Giving back calls failed: {}", ex.toString());
		}
	}

	void forget(JdbcQueueConsumer consumer) {
		this.consumers.remove(consumer);
	}

	org.springframework.transaction.support.TransactionTemplate transactions() {
		return this.transactions;
	}

	/**
	 * Runs statements outside any transaction of the calling thread, which is suspended
	 * meanwhile: what they write is seen at once and does not go with a rollback.
	 */
	<T> T outside(java.util.function.Supplier<T> statements) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			// Nothing to suspend (a worker's thread, most callers'): no transaction status a statement.
			return statements.get();
		}
		return this.outside.execute((status) -> statements.get());
	}

	JdbcClient jdbc() {
		return this.jdbc;
	}

	ExecutionEvents events() {
		return this.events;
	}

	String workerId() {
		return this.id;
	}

	/** Worker tags or a requirement as a JSON object (tags are letters, digits and {@code ._:/-}). */
	static String json(Map<String, String> tags) {
		if (tags.isEmpty()) {
			// Most calls require nothing: no map copied for them.
			return "{}";
		}
		StringBuilder json = new StringBuilder("{");
		new TreeMap<>(tags).forEach((name, value) -> json.append((json.length() > 1) ? "," : "")
			.append('"').append(name).append("\":\"").append(value).append('"'));
		return json.append('}').toString();
	}

	@Override
	public void close() {
		this.open = false;
		this.consumers.forEach(JdbcQueueConsumer::close);
		this.notifications.close();
		this.upkeep.shutdownNow();
		this.replies.failAll(new ExecutionRejectedException("The jdbc queue backend closed"));
	}

}
