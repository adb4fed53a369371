package io.execution.sample.orchestrator;

import java.util.Arrays;
import java.util.Map;

/**
 * What one batch through one endpoint cost.
 *
 * @param endpoint the endpoint
 * @param mode how it ran
 * @param calls calls made
 * @param errors calls that ended with an exception, by its type
 * @param thrown calls the service answered with its own exception (an answer, by the one outcome
 * model that Actuator and the console count by)
 * @param failed calls that failed by that model (timed out, refused, may have run)
 * @param latenciesNanos each call's latency, sorted
 * @param elapsedNanos the batch's wall time
 */
record BatchResult(String endpoint, String mode, int calls, Map<String, Integer> errors, int thrown, int failed,
		long[] latenciesNanos, long elapsedNanos) {

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
