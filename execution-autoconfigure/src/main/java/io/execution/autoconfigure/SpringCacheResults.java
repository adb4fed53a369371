package io.execution.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.core.ResultCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * {@code @CacheResult}'s results kept in the application's Spring {@link CacheManager}: one cache
 * per service, {@code execution.<service>}, so that {@code spring.cache.*}, a
 * {@code RedisCacheManager}'s time to live per cache and the cache metrics apply to them as to
 * any cache. An entry holds when it stops being served (the annotation's {@code ttl}) beside the
 * result's JSON, so a cache that keeps entries longer still serves each only as long as the
 * annotation says. Identical calls across instances still run once: the claims stay with the
 * queue backend's store ({@link #lead}), which the cache abstraction has no way to make. A
 * manager that will not make a cache of that name leaves that service's results to the backend's
 * store (said once).
 */
final class SpringCacheResults implements ResultCache {

	private static final Logger logger = LoggerFactory.getLogger(SpringCacheResults.class);

	/** The prefix of the caches' names. */
	static final String PREFIX = "execution.";

	private final CacheManager manager;

	private final ResultCache backend;

	private final Set<String> notMade = ConcurrentHashMap.newKeySet();

	SpringCacheResults(CacheManager manager, ResultCache backend) {
		this.manager = manager;
		this.backend = backend;
	}

	private Cache cache(String key) {
		String service = ResultCache.serviceOf(key);
		Cache cache = this.manager.getCache(PREFIX + service);
		if (cache == null && this.notMade.add(service)) {
			logger.warn("The CacheManager has no cache '{}{}' and makes none: @CacheResult results of '{}' stay in"
					+ " Execution's own store (declare the cache, or let the manager create caches)", PREFIX, service,
					service);
		}
		return cache;
	}

	@Override
	public byte[] get(String key) {
		Cache cache = cache(key);
		if (cache == null) {
			return this.backend.get(key);
		}
		Object value = cache.get(key, Object.class);
		if (!(value instanceof String entry)) {
			return null;
		}
		int colon = entry.indexOf(':');
		long until;
		try {
			until = Long.parseLong(entry.substring(0, Math.max(0, colon)));
		}
		catch (NumberFormatException ex) {
			// Not an entry of ours: a result is never trusted because it sits in a cache.
			return null;
		}
		if (System.currentTimeMillis() >= until) {
			cache.evict(key);
			return null;
		}
		return entry.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void put(String key, byte[] result, Duration ttl) {
		Cache cache = cache(key);
		if (cache == null) {
			this.backend.put(key, result, ttl);
			return;
		}
		cache.put(key, (System.currentTimeMillis() + ttl.toMillis()) + ":" + new String(result, StandardCharsets.UTF_8));
	}

	@Override
	public boolean lead(String key, Duration lease) {
		return this.backend.lead(key, lease);
	}

	@Override
	public void release(String key) {
		this.backend.release(key);
	}

	@Override
	public void remove(String key) {
		Cache cache = cache(key);
		if (cache != null) {
			cache.evict(key);
		}
		else {
			this.backend.remove(key);
		}
	}

	@Override
	public void removeAll(String service) {
		Cache cache = this.manager.getCache(PREFIX + service);
		if (cache != null) {
			cache.clear();
		}
		else {
			this.backend.removeAll(service);
		}
	}

}
