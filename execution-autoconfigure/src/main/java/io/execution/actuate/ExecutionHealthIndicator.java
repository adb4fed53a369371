package io.execution.actuate;

import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health contributor {@code execution}: each endpoint's mode and breaker state, each queue's
 * depth, oldest age, dead letters and live workers. An open circuit or an empty pool shows in
 * the details without taking the application DOWN, unless configured to
 * ({@code execution.health.down-on-open-circuit}, {@code execution.health.down-on-empty-pool}):
 * one open breaker should not take a whole application out of its load balancer.
 */
public final class ExecutionHealthIndicator extends AbstractHealthIndicator {

	private final ExecutionReport report;

	private final boolean downOnOpenCircuit;

	private final boolean downOnEmptyPool;

	/**
	 * Makes the indicator.
	 * @param report gathers the details
	 * @param downOnOpenCircuit whether an open endpoint breaker makes the application DOWN
	 * @param downOnEmptyPool whether a queue without live workers makes the application DOWN
	 */
	public ExecutionHealthIndicator(ExecutionReport report, boolean downOnOpenCircuit, boolean downOnEmptyPool) {
		super("Execution health check failed");
		this.report = report;
		this.downOnOpenCircuit = downOnOpenCircuit;
		this.downOnEmptyPool = downOnEmptyPool;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean down = false;
		Map<String, Object> endpoints = this.report.endpoints();
		for (String name : endpoints.keySet()) {
			if (this.downOnOpenCircuit && this.report.refusing(name)) {
				down = true;
			}
		}
		Map<String, Object> queues = this.report.queues();
		for (Object queue : queues.values()) {
			if (this.downOnEmptyPool && queue instanceof Map<?, ?> state
					&& Integer.valueOf(0).equals(state.get("liveWorkers"))) {
				down = true;
			}
		}
		(down ? builder.down() : builder.up()).withDetail("endpoints", endpoints).withDetail("queues", queues);
	}

}
