package io.execution.queue;

import java.time.Duration;

/**
 * Limits that hold for each fairness key's calls of a queue on its own, across every worker of
 * every process: at most one call per customer running at once, say. A key at its limit is passed
 * over; its calls wait in their lane while other keys' calls are taken. Calls without a key have
 * none of these limits.
 *
 * @param maxConcurrent the most calls of one key running at once; 0 for no limit
 * @param starts the most calls of one key started per {@code per} (a token bucket per key); 0 for
 * no limit
 * @param per the period of {@code starts}
 */
public record KeyLimits(int maxConcurrent, int starts, Duration per) {

	/** No limit. */
	public static final KeyLimits NONE = new KeyLimits(0, 0, Duration.ofSeconds(1));

	public KeyLimits {
		if (maxConcurrent < 0 || starts < 0) {
			throw new IllegalArgumentException("Per-key limits may not be negative: max-concurrent " + maxConcurrent
					+ ", starts " + starts);
		}
		per = (per != null) ? per : Duration.ofSeconds(1);
		if (per.isZero() || per.isNegative()) {
			throw new IllegalArgumentException("A per-key rate's period must be positive, not " + per);
		}
	}

	/**
	 * Whether any limit applies.
	 * @return {@code true} when a concurrency or a rate limit is set
	 */
	public boolean any() {
		return this.maxConcurrent > 0 || this.starts > 0;
	}

}
