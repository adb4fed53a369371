package io.execution.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.execution.core.ResultCache;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results of {@link io.execution.CacheResult} methods kept in Redis, shared by every instance:
 * {@code <prefix>:{r:<service.method/arity:digest>}} with the method's time to live, and a
 * short claim next to it while one process computes a result. Redis being unreachable costs
 * the cache, never the call: the call then runs.
 */
public final class RedisResultCache implements ResultCache {

	private static final Logger logger = LoggerFactory.getLogger(RedisResultCache.class);

	/** Deletes a claim only when it is still this process's. See {@code resultcache-release.lua}. */
	private static final RedisScript RELEASE = RedisScript.resource("resultcache-release.lua", ScriptOutputType.INTEGER);

	private final RedisConnections connections;

	private final String prefix;

	private final String owner = UUID.randomUUID().toString();

	/**
	 * Makes the cache.
	 * @param connections the Redis connections
	 * @param prefix the first part of every key
	 */
	public RedisResultCache(RedisConnections connections, String prefix) {
		this.connections = connections;
		this.prefix = prefix;
	}

	private String key(String key) {
		return this.prefix + ":{r:" + key + "}";
	}

	@Override
	public byte[] get(String key) {
		try {
			String json = this.connections.shared().get(key(key)).get(5, TimeUnit.SECONDS);
			return (json != null) ? json.getBytes(StandardCharsets.UTF_8) : null;
		}
		catch (Exception ex) {
			interrupted(ex);
			logger.debug("Cached result {} could not be read from Redis: {}", key, ex.toString());
			return null;
		}
	}

	/**
	 * Caches a result before the call returns, so that the next identical call, from any
	 * process, finds it.
	 */
	@Override
	public void put(String key, byte[] result, Duration ttl) {
		try {
			this.connections.shared()
				.set(key(key), new String(result, StandardCharsets.UTF_8), SetArgs.Builder.px(ttl.toMillis()))
				.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			interrupted(ex);
			logger.debug("Result {} could not be cached in Redis: {}", key, ex.toString());
		}
	}

	@Override
	public boolean lead(String key, Duration lease) {
		try {
			return "OK".equals(this.connections.shared()
				.set(key(key) + ":lead", this.owner, SetArgs.Builder.nx().px(Math.max(1, lease.toMillis())))
				.get(5, TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			interrupted(ex);
			return true;
		}
	}

	@Override
	public void release(String key) {
		try {
			RELEASE.run(this.connections.shared(), new String[] { key(key) + ":lead" }, this.owner);
		}
		catch (RuntimeException ex) {
			logger.debug("Claim on {} could not be released: {}", key, ex.toString());
		}
	}

	@Override
	public void remove(String key) {
		try {
			this.connections.shared().del(key(key)).get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			interrupted(ex);
			throw new io.execution.ExecutionException("Cached result " + key + " could not be evicted: " + ex, ex);
		}
	}

	/**
	 * Deletes a service's results wherever they are (on a Cluster, the scan goes over every
	 * master); the claims of calls running now stay.
	 */
	@Override
	public void removeAll(String service) {
		String pattern = this.prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + ":{r:"
				+ service.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + ".*}";
		try {
			io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
			io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(500);
			do {
				io.lettuce.core.KeyScanCursor<String> page = this.connections.shared().scan(cursor, args)
					.get(10, TimeUnit.SECONDS);
				java.util.List<String> keys = page.getKeys().stream().filter((k) -> !k.endsWith(":lead")).toList();
				if (!keys.isEmpty()) {
					this.connections.shared().del(keys.toArray(String[]::new)).get(10, TimeUnit.SECONDS);
				}
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		catch (Exception ex) {
			interrupted(ex);
			throw new io.execution.ExecutionException("Cached results of '" + service + "' could not be evicted: " + ex,
					ex);
		}
	}

	private static void interrupted(Exception ex) {
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
	}

}
