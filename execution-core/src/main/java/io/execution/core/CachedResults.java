package io.execution.core;

import tools.jackson.databind.json.JsonMapper;

/**
 * The results {@link io.execution.CacheResult} methods keep, to evict: every result of a
 * service, or one call's, from whichever store holds them (this JVM, Redis for every instance,
 * or the application's Spring {@code CacheManager}).
 */
public final class CachedResults {

	private final ResultCache cache;

	private final JsonMapper mapper;

	/**
	 * Makes the eviction API over a store.
	 * @param cache where the results are kept
	 * @param mapper the mapper the dispatcher writes arguments with (the keys are digests of them)
	 */
	public CachedResults(ResultCache cache, JsonMapper mapper) {
		this.cache = cache;
		this.mapper = mapper;
	}

	/**
	 * The store the dispatcher reads and writes.
	 * @return the store
	 */
	public ResultCache cache() {
		return this.cache;
	}

	/**
	 * Forgets every cached result of a service: its next calls run.
	 * @param service the service (the client's {@code @ExecutionClient} name)
	 */
	public void evict(String service) {
		this.cache.removeAll(service);
	}

	/**
	 * Forgets the result of one call: the next call with these arguments runs.
	 * @param service the service
	 * @param method the method's name
	 * @param args the call's arguments, as the client passes them
	 */
	public void evict(String service, String method, Object... args) {
		this.cache.remove(CacheStage.key(this.mapper, service, method, args));
	}

}
