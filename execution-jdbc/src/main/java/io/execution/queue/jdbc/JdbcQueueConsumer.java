package io.execution.queue.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.execution.queue.ConsumerOptions;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The worker side of one queue on PostgreSQL. One worker thread at a time claims as many
 * waiting calls as the pool has free threads, with {@code FOR UPDATE SKIP LOCKED} (so workers of
 * every process claim disjoint rows) and a lease of the visibility timeout; the others take what
 * it claimed. Idle threads wait for a notification that the queue has calls, or the poll
 * interval. A call is answered by deleting its row while it is still this worker's, in the same
 * statement that writes the answer and notifies its caller.
 */
final class JdbcQueueConsumer implements QueueConsumer {

	private static final Logger logger = LoggerFactory.getLogger(JdbcQueueConsumer.class);

	private final JdbcQueueBackend backend;

	private final JdbcClient jdbc;

	private final String queue;

	private final int concurrency;

	private final String tags;

	private final String claim;

	private final String answer;

	private final String chunk;

	private final String granted;

	private final String retry;

	private final LinkedBlockingQueue<JdbcDelivery> ready = new LinkedBlockingQueue<>();

	private final Set<JdbcDelivery> running = ConcurrentHashMap.newKeySet();

	private final ReentrantLock claiming = new ReentrantLock();

	private final Object signal = new Object();

	private long signals;

	private volatile boolean open = true;

	/** Takes turns between fairness keys while calls with keys wait. */
	private final JdbcFairClaim fair;

	/** Whether the last claim saw calls with fairness keys: then claims take turns. */
	private boolean keyed;

	/** The queue's global limits, or {@code null} when it has none. */
	private final JdbcLimits limits;

	/** Lower priority levels served once they waited through the aging period. */
	private final JdbcAging aging;

	JdbcQueueConsumer(JdbcQueueBackend backend, String queue, int concurrency, ConsumerOptions options) {
		this.backend = backend;
		this.jdbc = backend.jdbc();
		this.queue = queue;
		this.concurrency = concurrency;
		this.tags = JdbcQueueBackend.json(options.tags());
		JdbcQueueSettings settings = backend.settings();
		this.aging = new JdbcAging(backend, queue, this.tags, options.priorityAging());
		this.fair = new JdbcFairClaim(backend, queue, this.tags, options, this.aging);
		this.keyed = this.fair.always();
		this.limits = options.limits().any() ? new JdbcLimits(backend, queue, options.limits()) : null;
		String call = settings.table("call");
		this.claim = "WITH picked AS (SELECT id FROM " + call + " WHERE queue = ? AND worker IS NULL"
				+ " AND due <= clock_timestamp() AND requires <@ ?::jsonb ORDER BY priority DESC, id LIMIT ?"
				+ " FOR UPDATE SKIP LOCKED) UPDATE " + call + " c SET worker = ?, deliveries = c.deliveries + 1,"
				+ " lease_until = clock_timestamp() + ? * interval '1 millisecond' FROM picked WHERE c.id = picked.id"
				+ " RETURNING c.id, c.invocation_id, c.request, c.cancelled,"
				+ " (extract(epoch FROM (c.deadline - clock_timestamp())) * 1000)::bigint, c.fairness_key IS NOT NULL,"
				+ LATENESS;
		this.chunk = "WITH sent AS (INSERT INTO " + settings.table("reply") + " (invocation_id, caller, result, seq)"
				+ " SELECT invocation_id, caller, ?, ? FROM " + call + " WHERE id = ? AND worker = ? AND NOT cancelled"
				+ " RETURNING caller, invocation_id) SELECT pg_notify(? || caller, invocation_id) FROM sent";
		this.granted = "SELECT coalesce(granted, " + Long.MAX_VALUE + ") FROM " + call
				+ " WHERE id = ? AND worker = ? AND NOT cancelled";
		this.answer = "WITH done AS (DELETE FROM " + call + " WHERE id = ? AND worker = ? RETURNING invocation_id, caller),"
				+ " answered AS (INSERT INTO " + settings.table("reply")
				+ " (invocation_id, caller, result) SELECT invocation_id, caller, ? FROM done"
				+ " RETURNING caller, invocation_id, result)"
				+ " SELECT pg_notify(? || caller, " + JdbcReplies.NOTICE + ") FROM answered";
		this.retry = "WITH held AS (UPDATE " + call + " SET request = ?, worker = NULL, lease_until = NULL, deliveries = 0,"
				+ " due = clock_timestamp() + ? * interval '1 millisecond', deadline = clock_timestamp() + ? * interval"
				+ " '1 millisecond' WHERE id = ? AND worker = ? AND NOT cancelled RETURNING queue)"
				+ " SELECT pg_notify(?, queue || ' ' || ?) FROM held";
	}

	String queue() {
		return this.queue;
	}

	@Override
	public QueueDelivery take(Duration wait) throws InterruptedException {
		long end = System.nanoTime() + wait.toNanos();
		while (this.open) {
			JdbcDelivery delivery = this.ready.poll();
			if (delivery != null) {
				return started(delivery);
			}
			long seen;
			synchronized (this.signal) {
				seen = this.signals;
			}
			if (this.claiming.tryLock()) {
				try {
					claim();
				}
				finally {
					this.claiming.unlock();
				}
				delivery = this.ready.poll();
				if (delivery != null) {
					return started(delivery);
				}
			}
			long left = end - System.nanoTime();
			if (left <= 0) {
				return null;
			}
			long poll = this.backend.settings().pollInterval().toNanos();
			synchronized (this.signal) {
				if (this.signals == seen) {
					TimeUnit.NANOSECONDS.timedWait(this.signal, Math.min(left, poll));
				}
			}
		}
		return null;
	}

	private JdbcDelivery started(JdbcDelivery delivery) {
		this.running.add(delivery);
		return delivery;
	}

	/** The queue has calls (a notification): wake the waiting threads. */
	void wake() {
		synchronized (this.signal) {
			this.signals++;
			this.signal.notifyAll();
		}
	}

	private void claim() {
		int free = this.concurrency - this.running.size() - this.ready.size();
		if (free <= 0) {
			return;
		}
		try {
			List<JdbcDelivery> claimed = (this.limits != null) ? this.limits.claim(free, this::claimUpTo) : claimUpTo(free);
			this.ready.addAll(claimed);
			if (claimed.size() > 1) {
				wake();
			}
		}
		catch (RuntimeException ex) {
			if (this.open) {
				logger.warn("Queue '{}': claiming calls failed; trying again: {}", this.queue, ex.toString());
			}
		}
	}

	/** How late a call scheduled for later is taken (null for a call due at once). */
	static final String LATENESS = " CASE WHEN c.due > c.created + interval '1 millisecond'"
			+ " THEN (extract(epoch FROM (clock_timestamp() - c.due)) * 1000)::bigint END";

	/** A call scheduled for later was taken this late. */
	void scheduled(long latenessMillis, boolean none) {
		if (!none) {
			this.backend.events().scheduledStarted(this.queue, Math.max(0, latenessMillis));
		}
	}

	/** Claims up to {@code count} calls: taking turns while keys wait, else in order. */
	private List<JdbcDelivery> claimUpTo(int count) {
		long lease = this.backend.settings().visibilityTimeout().toMillis();
		List<JdbcDelivery> claimed = new ArrayList<>();
		if (this.keyed) {
			JdbcFairClaim.Result turns = this.fair.claim(count, this.backend.workerId(), lease);
			turns.claimed().forEach((call) -> claimed.add(delivery(call)));
			this.keyed = turns.keyed() || this.fair.always();
			return claimed;
		}
		this.aging.claim(count, this.backend.workerId(), lease, List.of()).forEach((call) -> claimed.add(delivery(call)));
		if (claimed.size() >= count) {
			return claimed;
		}
		boolean[] keyed = { false };
		this.jdbc.sql(this.claim)
			.params(this.queue, this.tags, count - claimed.size(), this.backend.workerId(), lease)
			.query((row, i) -> {
				keyed[0] |= row.getBoolean(6);
				scheduled(row.getLong(7), row.wasNull());
				return claimed.add(new JdbcDelivery(this, row.getLong(1), row.getString(2), row.getBytes(3),
						System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(row.getLong(5)), row.getBoolean(4)));
			})
			.list();
		// Calls with fairness keys came: the next claims take turns.
		this.keyed = keyed[0];
		return claimed;
	}

	private JdbcDelivery delivery(JdbcFairClaim.Claimed call) {
		scheduled(call.latenessMillis(), call.latenessMillis() < 0);
		return new JdbcDelivery(this, call.row(), call.invocationId(), call.request(), call.deadlineNanos(),
				call.cancelled());
	}

	/** Writes the answer while the call is still this worker's; a late one (taken over) is dropped. */
	void answer(JdbcDelivery delivery, byte[] result) {
		this.running.remove(delivery);
		try {
			List<Object> told = this.jdbc.sql(this.answer)
				.params(delivery.row(), this.backend.workerId(), result, this.backend.settings().replyChannel(""))
				.query((row, i) -> (Object) "").list();
			if (told.isEmpty()) {
				logger.info("Queue '{}': the answer to call [{}] came after another worker took it over; dropped",
						this.queue, delivery.invocationId());
			}
		}
		catch (RuntimeException ex) {
			// The lease runs out and the call is taken over (an idempotent one runs again).
			logger.warn("Queue '{}': answering call [{}] failed: {}", this.queue, delivery.invocationId(), ex.toString());
		}
	}

	/**
	 * Ends an attempt whose service threw and holds the next on the same row until it is due, in
	 * one statement: its request, due time and deadline replaced, its lease let go, its lane kept,
	 * its caller still waiting for the one answer; the workers are woken when it is due. Not when
	 * the call is no longer this worker's or its caller cancelled it: then its worker answers.
	 * @return whether the next attempt is held
	 */
	boolean retryLater(JdbcDelivery delivery, byte[] next, long delayMillis, long timeoutMillis) {
		boolean held;
		try {
			held = this.backend.outside(() -> !this.jdbc.sql(this.retry)
				.params(next, delayMillis, delayMillis + timeoutMillis, delivery.row(), this.backend.workerId(),
						this.backend.settings().workChannel(), String.valueOf(delayMillis))
				.query((row, i) -> 1)
				.list()
				.isEmpty());
		}
		catch (RuntimeException ex) {
			logger.warn("Queue '{}': the next attempt of call [{}] could not be held: {}", this.queue,
					delivery.invocationId(), ex.toString());
			return false;
		}
		if (held) {
			this.running.remove(delivery);
		}
		return held;
	}

	/**
	 * Sends a chunk of a streamed result to its caller, outside any transaction of the service
	 * (a chunk is seen as it is sent).
	 * @return {@code false} when the call is no longer this worker's or was cancelled
	 */
	boolean chunk(JdbcDelivery delivery, long seq, byte[] chunk) {
		return this.backend.outside(() -> !this.jdbc.sql(this.chunk)
			.params(chunk, seq, delivery.row(), this.backend.workerId(), this.backend.settings().replyChannel(""))
			.query((row, i) -> 1)
			.list()
			.isEmpty());
	}

	/**
	 * The chunks the caller of a streamed call granted so far.
	 * @return the grant, {@link Long#MAX_VALUE} for no limit, {@code null} when the call is no longer
	 * this worker's or was cancelled
	 */
	Long granted(JdbcDelivery delivery) {
		return this.backend.outside(() -> this.jdbc.sql(this.granted)
			.params(delivery.row(), this.backend.workerId())
			.query(Long.class)
			.optional()
			.orElse(null));
	}

	/** Answers a call given up on and keeps its request as a dead letter. */
	void deadLetter(JdbcDelivery delivery, byte[] result, String cause) {
		this.running.remove(delivery);
		this.backend.deadLetter(delivery.row(), this.backend.workerId(), result, cause);
	}

	/** The rows this consumer's calls hold, to renew their leases. */
	List<JdbcDelivery> held() {
		List<JdbcDelivery> held = new ArrayList<>(this.running);
		held.addAll(this.ready);
		return held;
	}

	/** The caller of a call cancelled it (told at once): it is interrupted if it runs here. */
	void cancelled(String invocationId) {
		for (JdbcDelivery delivery : held()) {
			if (delivery.invocationId().equals(invocationId)) {
				delivery.cancelled();
			}
		}
	}

	/** The caller of these calls cancelled them. */
	void cancelled(Map<Long, Boolean> rows) {
		for (JdbcDelivery delivery : held()) {
			if (Boolean.TRUE.equals(rows.get(delivery.row()))) {
				delivery.cancelled();
			}
		}
	}

	@Override
	public void close() {
		this.open = false;
		wake();
		// Calls claimed and not started go back to the queue at once.
		List<Long> unstarted = new ArrayList<>();
		for (JdbcDelivery delivery; (delivery = this.ready.poll()) != null;) {
			unstarted.add(delivery.row());
		}
		this.backend.giveBack(unstarted);
		this.backend.forget(this);
	}

}
