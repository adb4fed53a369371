package io.execution.http;

/**
 * A latency estimate that jumps up to a slow sample at once and decays back slowly, so that a
 * slow instance is avoided quickly and trusted again only gradually (the cost function of
 * Finagle's and Linkerd's power-of-two-choices balancers).
 */
final class PeakEwma {

	/** How fast old samples are forgotten: the decay time constant. */
	private static final double TAU_NANOS = 2_000_000_000.0;

	private double cost;

	private long stamp = System.nanoTime();

	synchronized void observe(long rttNanos) {
		long now = System.nanoTime();
		double weight = Math.exp(-(now - this.stamp) / TAU_NANOS);
		this.stamp = now;
		this.cost = (rttNanos > this.cost) ? rttNanos : this.cost * weight + rttNanos * (1 - weight);
	}

	synchronized double get() {
		// Decay towards zero while no samples come, so an idle instance gets probed again.
		double weight = Math.exp(-(System.nanoTime() - this.stamp) / TAU_NANOS);
		return this.cost * weight;
	}

}
