package io.execution.actuate;

import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health contributor {@code execution}, a composite so that health groups can take its parts:
 * {@code execution/endpoints/<name>} (mode, breaker state, URLs) and
 * {@code execution/queues/<queue>} (depth, oldest age, dead letters, live workers). An open
 * circuit or an empty pool shows in the details without going DOWN, unless configured to
 * ({@code execution.health.down-on-open-circuit}, {@code execution.health.down-on-empty-pool}):
 * one open breaker should not take a whole application out of its load balancer. With nothing
 * to report, both parts are UP.
 */
public final class ExecutionHealthContributor implements CompositeHealthContributor {

	private final ExecutionReport report;

	private final boolean downOnOpenCircuit;

	private final boolean downOnEmptyPool;

	/**
	 * Makes the contributor.
	 * @param report gathers the details
	 * @param downOnOpenCircuit whether an open endpoint breaker makes its part DOWN
	 * @param downOnEmptyPool whether a queue without live workers makes its part DOWN
	 */
	public ExecutionHealthContributor(ExecutionReport report, boolean downOnOpenCircuit, boolean downOnEmptyPool) {
		this.report = report;
		this.downOnOpenCircuit = downOnOpenCircuit;
		this.downOnEmptyPool = downOnEmptyPool;
	}

	@Override
	public HealthContributor getContributor(String name) {
		return switch (name) {
			case "endpoints" -> part(this.report.endpointNames(), this::endpoint);
			case "queues" -> part(this.report.queueNames(), this::queue);
			default -> null;
		};
	}

	@Override
	public Stream<Entry> stream() {
		return Stream.of("endpoints", "queues").map((name) -> new Entry(name, getContributor(name)));
	}

	private HealthIndicator endpoint(String name) {
		return () -> {
			Map<String, Object> details = this.report.endpoint(name);
			if (details == null) {
				return Health.unknown().build();
			}
			boolean down = this.downOnOpenCircuit && this.report.refusing(name);
			return (down ? Health.down() : Health.up()).withDetails(details).build();
		};
	}

	private HealthIndicator queue(String name) {
		return () -> {
			Map<String, Object> details = this.report.queue(name);
			if (details == null) {
				return Health.unknown().build();
			}
			boolean down = this.downOnEmptyPool && Integer.valueOf(0).equals(details.get("liveWorkers"));
			return (down ? Health.down() : Health.up()).withDetails(details).build();
		};
	}

	/**
	 * The endpoints, or the queues: one indicator each, or UP by itself when there are none
	 * (nothing to check is healthy, not unknown).
	 */
	private static HealthContributor part(java.util.Set<String> names,
			java.util.function.Function<String, HealthIndicator> indicator) {
		if (names.isEmpty()) {
			return (HealthIndicator) () -> Health.up().build();
		}
		java.util.Map<String, HealthIndicator> parts = new java.util.LinkedHashMap<>();
		names.forEach((name) -> parts.put(name, indicator.apply(name)));
		return CompositeHealthContributor.fromMap(parts);
	}

}
