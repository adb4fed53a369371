package io.execution.sample.orchestrator;

import java.util.Arrays;
import java.util.Map;

/**
 * What one batch through one endpoint cost.
 *
 * @param endpoint the endpoint
 * @param mode how it ran
 * @param calls calls made
 * @param failures calls that failed, by error
 * @param latenciesNanos each call's latency, sorted
 * @param elapsedNanos the batch's wall time
 */
record BatchResult(String endpoint, String mode, int calls, Map<String, Integer> failures, long[] latenciesNanos,
		long elapsedNanos) {

	int failed() {
		return this.failures.values().stream().mapToInt(Integer::intValue).sum();
	}

	double percentileMillis(double percentile) {
		if (this.latenciesNanos.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100.0 * this.latenciesNanos.length) - 1;
		return this.latenciesNanos[Math.max(0, Math.min(index, this.latenciesNanos.length - 1))] / 1_000_000.0;
	}

	double throughput() {
		return (this.elapsedNanos > 0) ? this.calls * 1_000_000_000.0 / this.elapsedNanos : 0;
	}

	static long[] sorted(long[] values) {
		long[] copy = values.clone();
		Arrays.sort(copy);
		return copy;
	}

}
