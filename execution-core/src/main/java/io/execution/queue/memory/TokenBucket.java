package io.execution.queue.memory;

import java.time.Duration;

/**
 * Starts allowed per period on the memory backend: {@code capacity} tokens, refilled at
 * {@code capacity} per period; a start takes one.
 */
final class TokenBucket {

	private final double capacity;

	private final double perNanos;

	private double tokens;

	private long at = System.nanoTime();

	TokenBucket(int capacity, Duration per) {
		this.capacity = capacity;
		this.perNanos = per.toNanos();
		this.tokens = capacity;
	}

	/**
	 * Takes a token when there is one.
	 * @return 0 when taken, else how many nanoseconds until one is there
	 */
	synchronized long take() {
		long now = System.nanoTime();
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.capacity / this.perNanos);
		this.at = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return (long) Math.ceil((1 - this.tokens) * this.perNanos / this.capacity);
	}

	/**
	 * The whole tokens there are now.
	 * @return how many starts could happen at once
	 */
	synchronized long available() {
		return (long) Math.floor(Math.min(this.capacity,
				this.tokens + (System.nanoTime() - this.at) * this.capacity / this.perNanos));
	}

	/** Gives back a token taken for a start that did not happen. */
	synchronized void refund() {
		this.tokens = Math.min(this.capacity, this.tokens + 1);
	}

}
