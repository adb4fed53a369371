package io.execution.queue.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.execution.ExecutionException;
import io.execution.core.ResultCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Results of {@link io.execution.CacheResult} methods kept in {@code <prefix>result}, shared by
 * every instance on the database: a row per call's key with the result until it expires, and
 * the process computing it now (a claim that ends by itself). Its statements run outside the
 * caller's transaction (one rolled back does not take a result with it, nor hold a claim's row
 * locked until it ends). The database being unreachable costs the cache, never the call: the
 * call then runs.
 */
public final class JdbcResultCache implements ResultCache {

	private static final Logger logger = LoggerFactory.getLogger(JdbcResultCache.class);

	private final JdbcClient jdbc;

	private final JdbcQueueBackend backend;

	private final String table;

	private final String owner = UUID.randomUUID().toString();

	/**
	 * Makes the cache on the backend's tables.
	 * @param backend the jdbc queue backend
	 */
	public JdbcResultCache(JdbcQueueBackend backend) {
		this.jdbc = backend.jdbc();
		this.backend = backend;
		this.table = backend.settings().table("result");
	}

	@Override
	public byte[] get(String key) {
		try {
			return outside(() -> this.jdbc.sql("SELECT result FROM " + this.table
					+ " WHERE key = ? AND expires > clock_timestamp()").param(key).query(byte[].class).optional().orElse(null));
		}
		catch (RuntimeException ex) {
			logger.debug("Cached result {} could not be read from the database: {}", key, ex.toString());
			return null;
		}
	}

	@Override
	public void put(String key, byte[] result, Duration ttl) {
		try {
			outside(() -> this.jdbc.sql("INSERT INTO " + this.table + " (key, service, result, expires) VALUES (?, ?, ?,"
					+ " clock_timestamp() + ? * interval '1 millisecond') ON CONFLICT (key) DO UPDATE"
					+ " SET result = excluded.result, expires = excluded.expires")
				.params(key, ResultCache.serviceOf(key), result, ttl.toMillis())
				.update());
		}
		catch (RuntimeException ex) {
			logger.debug("Result {} could not be cached in the database: {}", key, ex.toString());
		}
	}

	/** Claims a key unless another claim on it still holds (this process's own included, as on Redis). */
	@Override
	public boolean lead(String key, Duration lease) {
		try {
			List<Integer> won = outside(() -> this.jdbc.sql("INSERT INTO " + this.table + " AS r (key, service, leader,"
					+ " lead_until) VALUES (?, ?, ?, clock_timestamp() + ? * interval '1 millisecond') ON CONFLICT (key)"
					+ " DO UPDATE SET leader = excluded.leader, lead_until = excluded.lead_until"
					+ " WHERE r.leader IS NULL OR r.lead_until <= clock_timestamp() RETURNING 1")
				.params(key, ResultCache.serviceOf(key), this.owner, Math.max(1, lease.toMillis()))
				.query(Integer.class)
				.list());
			return !won.isEmpty();
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	@Override
	public void release(String key) {
		try {
			outside(() -> this.jdbc.sql("UPDATE " + this.table + " SET leader = NULL, lead_until = NULL"
					+ " WHERE key = ? AND leader = ?").params(key, this.owner).update());
		}
		catch (RuntimeException ex) {
			logger.debug("Claim on {} could not be released: {}", key, ex.toString());
		}
	}

	@Override
	public void remove(String key) {
		forget("key", key, "Cached result " + key);
	}

	/** Forgets a service's results on every instance; the claims of calls running now stay. */
	@Override
	public void removeAll(String service) {
		forget("service", service, "Cached results of " + service);
	}

	/** Clears the results of the rows a column matches, keeping their claims. */
	private void forget(String column, String value, String what) {
		try {
			outside(() -> this.jdbc.sql("UPDATE " + this.table + " SET result = NULL, expires = NULL WHERE " + column + " = ?")
				.param(value)
				.update());
		}
		catch (RuntimeException ex) {
			throw new ExecutionException(what + " could not be evicted: " + ex, ex);
		}
	}

	/**
	 * Deletes rows whose result expired and whose claim ended, a thousand at a time: the
	 * retention job.
	 */
	public void sweep() {
		this.jdbc.sql("DELETE FROM " + this.table + " WHERE key IN (SELECT key FROM " + this.table
				+ " WHERE coalesce(expires, '-infinity') <= clock_timestamp()"
				+ " AND coalesce(lead_until, '-infinity') <= clock_timestamp() LIMIT 1000)").update();
	}

	private <T> T outside(Supplier<T> statement) {
		return this.backend.outside(statement);
	}

}
