package io.execution.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Micrometer metrics of calls.
 */
@ConfigurationProperties("execution.metrics")
public class ExecutionMetricsProperties {

	/**
	 * Whether the execution.invocations timer publishes a percentile histogram.
	 */
	private boolean percentileHistogram;

	public boolean isPercentileHistogram() {
		return this.percentileHistogram;
	}

	public void setPercentileHistogram(boolean percentileHistogram) {
		this.percentileHistogram = percentileHistogram;
	}

}
