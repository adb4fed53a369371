package io.execution.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * Actuator endpoint {@code execution}: endpoints with their configuration, breakers, URLs and
 * statistics; queues; workers with their pools, services and heartbeats; where executions are
 * kept. {@code /actuator/execution/{name}}
 * shows one endpoint.
 */
@Endpoint(id = "execution")
public class ExecutionEndpoint {

	private final ExecutionReport report;

	/**
	 * Makes the endpoint.
	 * @param report gathers what it shows
	 */
	public ExecutionEndpoint(ExecutionReport report) {
		this.report = report;
	}

	/**
	 * Everything.
	 * @return endpoints, queues and workers
	 */
	@ReadOperation
	public Map<String, Object> execution() {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("endpoints", this.report.endpoints());
		all.put("served", this.report.served());
		all.put("queues", this.report.queues());
		all.put("workers", this.report.workers());
		all.put("executions", this.report.executions());
		return all;
	}

	/**
	 * One endpoint.
	 * @param name the endpoint's name
	 * @return its description, or {@code null} (404) when there is no such endpoint
	 */
	@ReadOperation
	public Map<String, Object> endpoint(@Selector String name) {
		return this.report.endpoint(name);
	}

}
