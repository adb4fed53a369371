package io.execution.queue.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Priority aging on PostgreSQL ({@code execution.worker.priority-aging}): a priority level below
 * the highest one waiting, whose calls have waited the aging period since the level was last
 * served that way (or since its oldest call became due, so an idle spell does not count), has
 * its oldest call taken ahead of the higher ones — one call per level per period, across every
 * process: the level's row in {@code <prefix>level} is stamped by the one claim that wins it.
 * Each consumer looks at most four times per period, so strict priority costs the claim nothing
 * between looks.
 */
final class JdbcAging {

	private final JdbcClient jdbc;

	private final String queue;

	private final String tags;

	private final long agingMillis;

	private final long everyNanos;

	private final String levels;

	private final String levelsExcept;

	private final String stamp;

	private final String take;

	private final String takeExcept;

	private volatile long nextLook = System.nanoTime();

	JdbcAging(JdbcQueueBackend backend, String queue, String tags, Duration aging) {
		JdbcQueueSettings settings = backend.settings();
		this.jdbc = backend.jdbc();
		this.queue = queue;
		this.tags = tags;
		this.agingMillis = aging.toMillis();
		this.everyNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, this.agingMillis / 4));
		String call = settings.table("call");
		String waiting = " FROM " + call + " WHERE queue = ? AND worker IS NULL AND due <= clock_timestamp()"
				+ " AND requires <@ ?::jsonb";
		String except = " AND (fairness_key IS NULL OR NOT fairness_key = ANY(?))";
		String levels = "WITH waiting AS (SELECT priority, min(due) AS since" + waiting + "%s GROUP BY priority)"
				+ " SELECT w.priority FROM waiting w LEFT JOIN " + settings.table("level")
				+ " l ON l.queue = ? AND l.priority = w.priority WHERE w.priority < (SELECT max(priority) FROM waiting)"
				+ " AND greatest(w.since, coalesce(l.taken, w.since)) <= clock_timestamp() - ? * interval '1 millisecond'"
				+ " ORDER BY w.priority DESC";
		this.levels = levels.formatted("");
		this.levelsExcept = levels.formatted(except);
		this.stamp = "INSERT INTO " + settings.table("level") + " AS l (queue, priority, taken)"
				+ " VALUES (?, ?, clock_timestamp()) ON CONFLICT (queue, priority) DO UPDATE SET taken = excluded.taken"
				+ " WHERE l.taken <= clock_timestamp() - ? * interval '1 millisecond' RETURNING 1";
		String take = "WITH picked AS (SELECT id" + waiting + " AND priority = ?%s ORDER BY id LIMIT 1"
				+ " FOR UPDATE SKIP LOCKED) UPDATE " + call + " c SET worker = ?, deliveries = c.deliveries + 1,"
				+ " lease_until = clock_timestamp() + ? * interval '1 millisecond' FROM picked WHERE c.id = picked.id"
				+ " RETURNING c.id, c.invocation_id, c.request, c.cancelled,"
				+ " (extract(epoch FROM (c.deadline - clock_timestamp())) * 1000)::bigint," + JdbcQueueConsumer.LATENESS
				+ ", c.fairness_key";
		this.take = take.formatted("");
		this.takeExcept = take.formatted(except);
	}

	/**
	 * Whether the queue ages its priorities at all.
	 * @return {@code false} for strict priority
	 */
	boolean on() {
		return this.agingMillis > 0;
	}

	/**
	 * Takes the oldest call of each level that waited through the aging period, when it is time
	 * to look.
	 * @param free the most calls to take
	 * @param worker this worker's id
	 * @param leaseMillis the lease of a call taken
	 * @param keysAtLimit fairness keys whose calls must not be taken now (at their per-key limit)
	 * @return the calls taken, ahead of higher levels
	 */
	List<JdbcFairClaim.Claimed> claim(int free, String worker, long leaseMillis, Collection<String> keysAtLimit) {
		long now = System.nanoTime();
		if (!on() || free <= 0 || now - this.nextLook < 0) {
			return List.of();
		}
		this.nextLook = now + this.everyNanos;
		String[] except = keysAtLimit.toArray(String[]::new);
		List<Integer> aged = (except.length == 0)
				? this.jdbc.sql(this.levels).params(this.queue, this.tags, this.queue, this.agingMillis)
					.query(Integer.class).list()
				: this.jdbc.sql(this.levelsExcept).params(this.queue, this.tags, except, this.queue, this.agingMillis)
					.query(Integer.class).list();
		List<JdbcFairClaim.Claimed> claimed = new ArrayList<>();
		for (int priority : aged) {
			if (claimed.size() >= free) {
				break;
			}
			boolean won = !this.jdbc.sql(this.stamp).params(this.queue, priority, this.agingMillis)
				.query((row, i) -> 1).list().isEmpty();
			if (!won) {
				continue;
			}
			var take = (except.length == 0)
					? this.jdbc.sql(this.take).params(this.queue, this.tags, priority, worker, leaseMillis)
					: this.jdbc.sql(this.takeExcept).params(this.queue, this.tags, priority, except, worker, leaseMillis);
			take.query((row, i) -> {
				long lateness = row.getLong(6);
				boolean due = row.wasNull();
				return claimed.add(new JdbcFairClaim.Claimed(row.getLong(1), row.getString(2), row.getBytes(3),
						row.getBoolean(4), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(row.getLong(5)),
						due ? -1 : lateness, row.getString(7)));
			}).list();
		}
		return claimed;
	}

}
