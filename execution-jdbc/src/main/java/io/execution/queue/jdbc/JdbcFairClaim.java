package io.execution.queue.jdbc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.execution.queue.ConsumerOptions;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The claim of a queue whose waiting calls carry fairness keys (or whose keys are limited): within the highest priority
 * waiting, the keys take turns, each as many calls per turn as its weight
 * ({@code execution.worker.weights}), in the order they joined, so a bursty key does not hold a
 * quiet one back. The turns are rows of {@code <prefix>lane} (calls served per key), changed
 * under a transaction-scoped advisory lock on the queue, so workers of every process share them;
 * a key whose calls are all taken leaves the rotation and joins at its end when it comes back.
 * A lower level that waited through the aging period is served first ({@link JdbcAging}), its
 * keys' limits kept.
 */
final class JdbcFairClaim {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final String queue;

	private final String tags;

	private final ConsumerOptions options;

	private final String lock;

	private final String heads;

	private final String next;

	private final String nextPlain;

	private final String take;

	private final String lanes;

	private final String table;

	/** The most calls of one key running at once across every worker; 0 for no limit. */
	private final int perKey;

	/** Each key's start rate, or {@code null} for none. */
	private final JdbcKeyRates rates;

	private final String runningByKey;

	/** Lower levels served once they waited through the aging period, ahead of the turns. */
	private final JdbcAging aging;

	JdbcFairClaim(JdbcQueueBackend backend, String queue, String tags, ConsumerOptions options, JdbcAging aging) {
		this.aging = aging;
		JdbcQueueSettings settings = backend.settings();
		this.jdbc = backend.jdbc();
		this.transactions = backend.transactions();
		this.queue = queue;
		this.tags = tags;
		this.options = options;
		this.lock = settings.table("lane:") + queue;
		String call = settings.table("call");
		this.table = settings.table("lane");
		String waiting = " FROM " + call + " WHERE queue = ? AND worker IS NULL AND due <= clock_timestamp()"
				+ " AND requires <@ ?::jsonb";
		this.heads = "SELECT DISTINCT ON (priority, coalesce(fairness_key, '')) priority, coalesce(fairness_key, ''), id"
				+ waiting + " AND priority = (SELECT max(priority)" + waiting + ")"
				+ " ORDER BY priority DESC, coalesce(fairness_key, ''), id";
		this.next = "SELECT id" + waiting + " AND priority = ? AND fairness_key = ? ORDER BY id LIMIT 1";
		this.nextPlain = "SELECT id" + waiting + " AND priority = ? AND fairness_key IS NULL ORDER BY id LIMIT 1";
		this.take = "UPDATE " + call + " c SET worker = ?, deliveries = deliveries + 1, lease_until = clock_timestamp()"
				+ " + ? * interval '1 millisecond' WHERE id = ? AND worker IS NULL RETURNING id, invocation_id, request,"
				+ " cancelled, (extract(epoch FROM (deadline - clock_timestamp())) * 1000)::bigint,"
				+ JdbcQueueConsumer.LATENESS;
		this.lanes = "SELECT fairness_key, served, joined FROM " + this.table + " WHERE queue = ?";
		this.perKey = options.limits().perKey().maxConcurrent();
		this.rates = JdbcKeyRates.on(options.limits().perKey())
				? new JdbcKeyRates(backend, queue, options.limits().perKey()) : null;
		this.runningByKey = "SELECT fairness_key, count(*) FROM " + call + " WHERE queue = ? AND worker IS NOT NULL"
				+ " AND fairness_key IS NOT NULL GROUP BY fairness_key";
	}

	/**
	 * Claims up to {@code free} calls, taking turns between the keys of the highest priority.
	 * @return the calls claimed, and whether any key but the plain lane's was waiting
	 */
	Result claim(int free, String worker, long leaseMillis) {
		return this.transactions.execute((status) -> {
			this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param(this.lock).query((row, i) -> 1).list();
			Map<String, Long> heads = new HashMap<>();
			int[] priority = { 0 };
			this.jdbc.sql(this.heads)
				.params(this.queue, this.tags, this.queue, this.tags)
				.query((row, i) -> {
					priority[0] = row.getInt(1);
					return heads.put(row.getString(2), row.getLong(3));
				})
				.list();
			boolean keyed = heads.keySet().stream().anyMatch((key) -> !key.isEmpty());
			// A key at its limit (execution.worker.limits.<queue>.per-key.max-concurrent) is passed over.
			Map<String, Long> running = new HashMap<>();
			if (this.perKey > 0) {
				this.jdbc.sql(this.runningByKey)
					.param(this.queue)
					.query((row, i) -> running.put(row.getString(1), row.getLong(2)))
					.list();
			}
			// A key out of start tokens (per-key.starts) is passed over too.
			JdbcKeyRates.Buckets buckets = (this.rates != null) ? this.rates.read(heads.keySet()) : null;
			java.util.Set<String> held = new java.util.HashSet<>(atLimit(running));
			if (buckets != null) {
				held.addAll(buckets.empty());
			}
			List<Claimed> claimed = new ArrayList<>(this.aging.claim(free, worker, leaseMillis, held));
			if (buckets != null) {
				claimed.forEach((call) -> buckets.spend(call.fairnessKey()));
				heads.keySet().removeIf((key) -> !buckets.allows(key));
			}
			if (this.perKey > 0) {
				if (!claimed.isEmpty()) {
					// What the aging took counts against its key's limit.
					running.clear();
					this.jdbc.sql(this.runningByKey)
						.param(this.queue)
						.query((row, i) -> running.put(row.getString(1), row.getLong(2)))
						.list();
				}
				heads.keySet().removeIf((key) -> !key.isEmpty() && running.getOrDefault(key, 0L) >= this.perKey);
			}
			if (heads.isEmpty() || claimed.size() >= free) {
				save(buckets);
				return new Result(claimed, keyed);
			}
			Map<String, Lane> lanes = new HashMap<>();
			this.jdbc.sql(this.lanes)
				.param(this.queue)
				.query((row, i) -> lanes.put(row.getString(1), new Lane(row.getString(1), row.getLong(2), row.getLong(3))))
				.list();
			// Only the keys waiting now take turns; one gone idle joins again at the end.
			long joined = lanes.values().stream().mapToLong(Lane::joined).max().orElse(0);
			lanes.keySet().retainAll(heads.keySet());
			long turn = heads.keySet().stream().filter(lanes::containsKey)
				.mapToLong((key) -> lanes.get(key).turn(weight(key))).min().orElse(0);
			for (String key : heads.keySet()) {
				if (!lanes.containsKey(key)) {
					// A key that comes (back) joins the current turn, at the end of the rotation.
					lanes.put(key, new Lane(key, turn * weight(key), ++joined));
				}
			}
			while (claimed.size() < free && !heads.isEmpty()) {
				Lane lane = heads.keySet().stream().map(lanes::get)
					.min(Comparator.comparingLong((Lane each) -> each.turn(weight(each.key()))).thenComparingLong(Lane::joined))
					.orElseThrow();
				long id = heads.get(lane.key());
				boolean taken = !this.jdbc.sql(this.take).params(worker, leaseMillis, id).query((row, i) -> {
					long lateness = row.getLong(6);
					// Read before any other column: a call due at once has no lateness.
					boolean due = row.wasNull();
					return claimed.add(new Claimed(row.getLong(1), row.getString(2), row.getBytes(3), row.getBoolean(4),
							System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(row.getLong(5)), due ? -1 : lateness,
							lane.key()));
				}).list().isEmpty();
				lanes.put(lane.key(), new Lane(lane.key(), lane.served() + 1, lane.joined()));
				if (buckets != null && taken) {
					buckets.spend(lane.key());
					if (!buckets.allows(lane.key())) {
						heads.remove(lane.key());
						continue;
					}
				}
				if (this.perKey > 0 && !lane.key().isEmpty()
						&& running.merge(lane.key(), 1L, Long::sum) >= this.perKey) {
					heads.remove(lane.key());
					continue;
				}
				Long following = (lane.key().isEmpty()
						? this.jdbc.sql(this.nextPlain).params(this.queue, this.tags, priority[0])
						: this.jdbc.sql(this.next).params(this.queue, this.tags, priority[0], lane.key()))
					.query(Long.class)
					.optional()
					.orElse(null);
				if (following != null) {
					heads.put(lane.key(), following);
				}
				else {
					heads.remove(lane.key());
					lanes.remove(lane.key());
				}
			}
			save(lanes);
			save(buckets);
			return new Result(claimed, keyed);
		});
	}

	/** The keys at their limit, which no claim may take now. */
	private List<String> atLimit(Map<String, Long> running) {
		return running.entrySet().stream().filter((each) -> this.perKey > 0 && each.getValue() >= this.perKey)
			.map(Map.Entry::getKey).toList();
	}

	private static void save(JdbcKeyRates.Buckets buckets) {
		if (buckets != null) {
			buckets.save();
		}
	}

	/** The turns as they now stand: keys with calls waiting keep their row, the others leave. */
	private void save(Map<String, Lane> lanes) {
		this.jdbc.sql("DELETE FROM " + this.table + " WHERE queue = ?").param(this.queue).update();
		for (Lane lane : lanes.values()) {
			this.jdbc.sql("INSERT INTO " + this.table + " (queue, fairness_key, served, joined) VALUES (?, ?, ?, ?)")
				.params(this.queue, lane.key(), lane.served(), lane.joined())
				.update();
		}
	}

	/**
	 * Whether every claim of the queue goes through the turns: when its keys are limited.
	 * @return {@code true} with a per-key limit (running calls or start rate)
	 */
	boolean always() {
		return this.perKey > 0 || this.rates != null;
	}

	private int weight(String key) {
		return this.options.weight(key.isEmpty() ? null : key);
	}

	/** A key's place in the rotation: calls served, and when it joined. */
	private record Lane(String key, long served, long joined) {

		long turn(int weight) {
			return this.served / weight;
		}

	}

	/** The calls claimed, and whether keys were waiting (else the plain claim serves). */
	record Result(List<Claimed> claimed, boolean keyed) {
	}

	/** A call claimed. */
	record Claimed(long row, String invocationId, byte[] request, boolean cancelled, long deadlineNanos,
			long latenessMillis, String fairnessKey) {
	}

}
