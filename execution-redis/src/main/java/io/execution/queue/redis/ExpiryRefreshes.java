package io.execution.queue.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says when a key's expiry is due for a refresh: at most once an interval per key from this
 * process, so that a busy queue or reply list does not pay a {@code PEXPIRE} on every call
 * (scripts still set it whenever they create the key).
 */
final class ExpiryRefreshes {

	private static final int MAX_KEYS = 10_000;

	private final long intervalNanos;

	private final Map<String, Long> last = new ConcurrentHashMap<>();

	ExpiryRefreshes(Duration retention) {
		this.intervalNanos = Math.min(Duration.ofSeconds(1).toNanos(), retention.toNanos() / 4);
	}

	/**
	 * Whether to refresh a key's expiry now; if so, the refresh is taken as done.
	 * @param key the key
	 * @return {@code "1"} when due, else {@code "0"}, as the scripts take it
	 */
	String due(String key) {
		long now = System.nanoTime();
		Long previous = this.last.get(key);
		if (previous != null && now - previous < this.intervalNanos) {
			return "0";
		}
		if (this.last.size() >= MAX_KEYS) {
			this.last.clear();
		}
		this.last.put(key, now);
		return "1";
	}

}
