package io.execution.queue.jdbc;

import java.util.List;
import java.util.function.IntFunction;

import io.execution.queue.QueueLimits;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A queue's global limits on PostgreSQL ({@code execution.worker.limits.<queue>.*}), held
 * across the workers of every instance: a claim runs in one transaction under an advisory lock
 * on the queue, after counting the calls running (rows leased; a dead worker's count until their
 * lease runs out and they are taken over) and the start tokens of the queue's bucket (a row of
 * {@code <prefix>queue}, refilled at {@code starts} per {@code per}), and takes no more than both
 * allow.
 */
final class JdbcLimits {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final String queue;

	private final QueueLimits limits;

	private final String lock;

	private final String running;

	private final String bucket;

	private final String table;

	JdbcLimits(JdbcQueueBackend backend, String queue, QueueLimits limits) {
		JdbcQueueSettings settings = backend.settings();
		this.jdbc = backend.jdbc();
		this.transactions = backend.transactions();
		this.queue = queue;
		this.limits = limits;
		this.lock = settings.table("limits:") + queue;
		this.table = settings.table("queue");
		this.running = "SELECT count(*) FROM " + settings.table("call") + " WHERE queue = ? AND worker IS NOT NULL";
		this.bucket = "SELECT coalesce(tokens, ?), (extract(epoch FROM clock_timestamp() - coalesce(refilled,"
				+ " clock_timestamp())) * 1000)::float8 FROM " + this.table + " WHERE queue = ?";
	}

	/**
	 * Claims what the limits allow now, at most {@code free} calls.
	 * @param free the threads free to run calls
	 * @param claim claims up to the given number of calls (in the transaction)
	 * @return the calls claimed
	 */
	<T> List<T> claim(int free, IntFunction<List<T>> claim) {
		return this.transactions.execute((status) -> {
			this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param(this.lock).query((row, i) -> 1).list();
			int allowed = free;
			if (this.limits.maxConcurrent() > 0) {
				long now = this.jdbc.sql(this.running).param(this.queue).query(Long.class).single();
				allowed = (int) Math.min(allowed, Math.max(0, this.limits.maxConcurrent() - now));
			}
			double tokens = 0;
			if (this.limits.starts() > 0 && allowed > 0) {
				this.jdbc.sql("INSERT INTO " + this.table + " (queue) VALUES (?) ON CONFLICT (queue) DO NOTHING")
					.param(this.queue)
					.update();
				double[] read = this.jdbc.sql(this.bucket)
					.params((double) this.limits.starts(), this.queue)
					.query((row, i) -> new double[] { row.getDouble(1), row.getDouble(2) })
					.single();
				double perMillis = this.limits.starts() / (double) Math.max(1, this.limits.per().toMillis());
				tokens = Math.min(this.limits.starts(), read[0] + read[1] * perMillis);
				allowed = (int) Math.min(allowed, Math.floor(tokens));
			}
			if (allowed <= 0) {
				return List.<T>of();
			}
			List<T> claimed = claim.apply(allowed);
			if (this.limits.starts() > 0) {
				this.jdbc.sql("UPDATE " + this.table + " SET tokens = ?, refilled = clock_timestamp() WHERE queue = ?")
					.params(tokens - claimed.size(), this.queue)
					.update();
			}
			return claimed;
		});
	}

}
