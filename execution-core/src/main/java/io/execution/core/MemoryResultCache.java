package io.execution.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results cached in this JVM: at most {@code capacity} of them; past it, expired ones go first,
 * then any.
 */
public final class MemoryResultCache implements ResultCache {

	private final int capacity;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Makes the cache.
	 * @param capacity the most results held
	 */
	public MemoryResultCache(int capacity) {
		this.capacity = capacity;
	}

	@Override
	public byte[] get(String key) {
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (System.nanoTime() - entry.expiresAtNanos() >= 0) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.result();
	}

	@Override
	public void put(String key, byte[] result, Duration ttl) {
		if (this.entries.size() >= this.capacity) {
			long now = System.nanoTime();
			this.entries.values().removeIf((entry) -> now - entry.expiresAtNanos() >= 0);
			var all = this.entries.keySet().iterator();
			while (this.entries.size() >= this.capacity && all.hasNext()) {
				all.next();
				all.remove();
			}
		}
		this.entries.put(key, new Entry(result, System.nanoTime() + ttl.toNanos()));
	}

	@Override
	public void remove(String key) {
		this.entries.remove(key);
	}

	@Override
	public void removeAll(String service) {
		this.entries.keySet().removeIf((key) -> ResultCache.serviceOf(key).equals(service));
	}

	private record Entry(byte[] result, long expiresAtNanos) {
	}

}
