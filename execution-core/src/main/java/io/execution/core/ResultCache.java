package io.execution.core;

import java.time.Duration;

/**
 * Where the results of {@link io.execution.CacheResult} methods are kept, as JSON: in the JVM
 * with the memory backend, in Redis (shared by every instance) with the Redis backend.
 */
public interface ResultCache {

	/**
	 * A cached result.
	 * @param key the call's key (service, method and arguments)
	 * @return the result as JSON, or {@code null} when none is cached
	 */
	byte[] get(String key);

	/**
	 * Caches a result.
	 * @param key the call's key
	 * @param result the result as JSON
	 * @param ttl how long it is served
	 */
	void put(String key, byte[] result, Duration ttl);

	/**
	 * Asks to be the one process that computes a key's result for a while, so that identical
	 * calls in other processes wait for it instead of running too. In one JVM there is nobody
	 * else to ask.
	 * @param key the call's key
	 * @param lease how long the claim holds at most
	 * @return whether this process computes it
	 */
	default boolean lead(String key, Duration lease) {
		return true;
	}

	/**
	 * Gives up a claim made with {@link #lead}.
	 * @param key the call's key
	 */
	default void release(String key) {
	}

	/**
	 * Forgets one call's result.
	 * @param key the call's key
	 */
	default void remove(String key) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot evict cached results");
	}

	/**
	 * Forgets every result of a service's methods.
	 * @param service the service
	 */
	default void removeAll(String service) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot evict cached results");
	}

	/**
	 * The service of a key ({@code service.method/arity:digest}).
	 * @param key the call's key
	 * @return the service
	 */
	static String serviceOf(String key) {
		int slash = key.indexOf('/');
		int dot = key.lastIndexOf('.', (slash >= 0) ? slash : key.length());
		return (dot > 0) ? key.substring(0, dot) : key;
	}

}
