package io.execution.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * Micrometer metrics of calls.
 */
@ConfigurationProperties("execution.metrics")
public class ExecutionMetricsProperties {

	/**
	 * Whether the execution.invocations timer publishes a percentile histogram. Deprecated:
	 * Boot's management.metrics.distribution.percentiles-histogram.execution.invocations does the
	 * same for this and every other meter.
	 */
	private boolean percentileHistogram;

	@Deprecated(since = "0.1.0")
	@DeprecatedConfigurationProperty(replacement = "management.metrics.distribution.percentiles-histogram.execution.invocations",
			since = "0.1.0")
	public boolean isPercentileHistogram() {
		return this.percentileHistogram;
	}

	@Deprecated(since = "0.1.0")
	public void setPercentileHistogram(boolean percentileHistogram) {
		this.percentileHistogram = percentileHistogram;
	}

}
