package io.execution.queue.jdbc;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.execution.queue.KeyLimits;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The start rate of each fairness key of a queue ({@code execution.worker.limits.<queue>.per-key.starts}
 * per {@code per}): a token bucket per key in {@code <prefix>key_rate}, read, spent and written in
 * the transaction of a claim that holds the queue's advisory lock, so the workers of every process
 * share each key's rate. A key without a row has a full bucket; a bucket that refilled is deleted.
 */
final class JdbcKeyRates {

	private final JdbcClient jdbc;

	private final String queue;

	private final double capacity;

	/** Tokens per millisecond. */
	private final double refill;

	private final String read;

	private final String write;

	private final String forget;

	JdbcKeyRates(JdbcQueueBackend backend, String queue, KeyLimits limits) {
		this.jdbc = backend.jdbc();
		this.queue = queue;
		this.capacity = limits.starts();
		this.refill = limits.starts() / (double) Math.max(1, limits.per().toMillis());
		String table = backend.settings().table("key_rate");
		this.read = "SELECT fairness_key, tokens, (extract(epoch FROM (clock_timestamp() - refilled)) * 1000)::bigint,"
				+ " clock_timestamp() FROM " + table + " WHERE queue = ? AND fairness_key = ANY(?)";
		this.write = "INSERT INTO " + table + " AS r (queue, fairness_key, tokens, refilled)"
				+ " VALUES (?, ?, ?, coalesce(?::timestamptz, clock_timestamp()))"
				+ " ON CONFLICT (queue, fairness_key) DO UPDATE SET tokens = excluded.tokens, refilled = excluded.refilled";
		this.forget = "DELETE FROM " + table + " WHERE queue = ? AND tokens + (extract(epoch FROM (clock_timestamp()"
				+ " - refilled)) * 1000) * ? >= ?";
	}

	/**
	 * Whether the queue limits its keys' start rate.
	 * @param limits the queue's per-key limits
	 * @return {@code true} with a rate
	 */
	static boolean on(KeyLimits limits) {
		return limits.starts() > 0;
	}

	/**
	 * The buckets of some keys as they stand now, to spend in one claim.
	 * @param keys the keys waiting
	 * @return the buckets
	 */
	Buckets read(Collection<String> keys) {
		Buckets buckets = new Buckets();
		String[] wanted = keys.stream().filter((key) -> !key.isEmpty()).toArray(String[]::new);
		if (wanted.length > 0) {
			this.jdbc.sql(this.read).params(this.queue, wanted).query((row, i) -> {
				double tokens = Math.min(this.capacity, row.getDouble(2) + row.getLong(3) * this.refill);
				buckets.tokens.put(row.getString(1), tokens);
				buckets.now = row.getTimestamp(4);
				return 1;
			}).list();
		}
		return buckets;
	}

	/** The buckets read for one claim. */
	final class Buckets {

		private final Map<String, Double> tokens = new HashMap<>();

		private final Set<String> spent = new HashSet<>();

		private Timestamp now;

		/**
		 * Whether a key may start a call now.
		 * @param key the key ({@code ""} for calls without one, never limited)
		 * @return {@code true} while its bucket holds a token
		 */
		boolean allows(String key) {
			return key == null || key.isEmpty() || this.tokens.getOrDefault(key, JdbcKeyRates.this.capacity) >= 1;
		}

		/**
		 * Spends a key's token for a call started.
		 * @param key the key
		 */
		void spend(String key) {
			if (key != null && !key.isEmpty()) {
				this.tokens.put(key, this.tokens.getOrDefault(key, JdbcKeyRates.this.capacity) - 1);
				this.spent.add(key);
			}
		}

		/** The keys whose buckets are empty. */
		Set<String> empty() {
			Set<String> empty = new HashSet<>();
			this.tokens.forEach((key, left) -> {
				if (left < 1) {
					empty.add(key);
				}
			});
			return empty;
		}

		/** Writes the buckets spent from, and deletes those refilled meanwhile; nothing when none was spent. */
		void save() {
			if (this.spent.isEmpty()) {
				return;
			}
			for (String key : this.spent) {
				// Refilled from when they were read (the database's clock; now for a key that had no row).
				JdbcKeyRates.this.jdbc.sql(JdbcKeyRates.this.write)
					.params(JdbcKeyRates.this.queue, key, this.tokens.get(key), this.now)
					.update();
			}
			JdbcKeyRates.this.jdbc.sql(JdbcKeyRates.this.forget)
				.params(JdbcKeyRates.this.queue, JdbcKeyRates.this.refill, JdbcKeyRates.this.capacity)
				.update();
		}

	}

}
