package io.execution.queue;

import java.time.Duration;

/**
 * Limits on a queue's calls that hold across every worker of every process.
 *
 * @param maxConcurrent the most calls running at once; 0 for no limit
 * @param starts the most calls started per {@code per} (a token bucket of that many tokens,
 * refilled at that rate); 0 for no limit
 * @param per the period of {@code starts}
 * @param perKey the limits of each fairness key's calls on its own ({@link KeyLimits#NONE} for none)
 */
public record QueueLimits(int maxConcurrent, int starts, Duration per, KeyLimits perKey) {

	/** No limit. */
	public static final QueueLimits NONE = new QueueLimits(0, 0, Duration.ofSeconds(1));

	public QueueLimits {
		perKey = (perKey != null) ? perKey : KeyLimits.NONE;
	}

	/**
	 * Limits of the whole queue, none per key.
	 * @param maxConcurrent the most calls running at once; 0 for no limit
	 * @param starts the most calls started per {@code per}; 0 for no limit
	 * @param per the period of {@code starts}
	 */
	public QueueLimits(int maxConcurrent, int starts, Duration per) {
		this(maxConcurrent, starts, per, KeyLimits.NONE);
	}

	/**
	 * Whether any limit of the whole queue applies (per-key limits aside).
	 * @return {@code true} when a concurrency or a rate limit of the queue is set
	 */
	public boolean any() {
		return this.maxConcurrent > 0 || this.starts > 0;
	}

	/**
	 * A concurrency limit alone.
	 * @param maxConcurrent the most calls running at once
	 * @return the limits
	 */
	public static QueueLimits concurrency(int maxConcurrent) {
		return new QueueLimits(maxConcurrent, 0, Duration.ofSeconds(1));
	}

}
