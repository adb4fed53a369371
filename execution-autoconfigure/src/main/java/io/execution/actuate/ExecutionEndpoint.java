package io.execution.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerOperationsService;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code execution}: endpoints with their configuration, breakers, URLs and
 * statistics; queues; workers with their pools, services and heartbeats; where executions are
 * kept. {@code /actuator/execution/{name}} shows one endpoint; {@code POST
 * /actuator/execution/drain} and {@code …/resume} drain and resume this application's worker pools.
 */
@Endpoint(id = "execution")
public class ExecutionEndpoint {

	private final ExecutionReport report;

	private final WorkerOperationsService operations;

	/**
	 * Makes the endpoint, without operations on worker pools.
	 * @param report gathers what it shows
	 */
	public ExecutionEndpoint(ExecutionReport report) {
		this(report, null);
	}

	/**
	 * Makes the endpoint.
	 * @param report gathers what it shows
	 * @param operations drains and resumes this application's worker pools, or {@code null}
	 */
	public ExecutionEndpoint(ExecutionReport report, WorkerOperationsService operations) {
		this.report = report;
		this.operations = operations;
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
		if (this.recurring != null) {
			all.put("recurring", this.recurring.list().stream().map(io.execution.recurring.RecurringState::toJson).toList());
		}
		return all;
	}

	private io.execution.recurring.RecurringCalls recurring;

	/**
	 * Lets the endpoint show, pause, resume and trigger recurring calls.
	 * @param recurring the recurring calls, or {@code null} when there are none
	 * @return this endpoint
	 */
	public ExecutionEndpoint recurringCalls(io.execution.recurring.RecurringCalls recurring) {
		this.recurring = recurring;
		return this;
	}

	/**
	 * One recurring call: {@code GET /actuator/execution/recurring/{name}}, with its next due
	 * time and its recent ticks.
	 * @param part {@code recurring}
	 * @param name the call's name
	 * @return its state, or {@code null} (404) when no call has that name
	 */
	@ReadOperation
	public Map<String, Object> recurring(@Selector String part, @Selector String name) {
		if (!"recurring".equals(part)) {
			throw new InvalidEndpointRequestException("Unknown part '" + part + "': recurring", "unknown part");
		}
		return (this.recurring != null)
				? this.recurring.find(name).map(io.execution.recurring.RecurringState::toJson).orElse(null) : null;
	}

	/**
	 * Pauses, resumes or triggers a recurring call: {@code POST
	 * /actuator/execution/recurring/{name}/pause}, {@code …/resume} or {@code …/trigger} (which
	 * runs it now and answers the execution's id). A pause holds in every instance.
	 * @param part {@code recurring}
	 * @param name the call's name
	 * @param action {@code pause}, {@code resume} or {@code trigger}
	 * @return the call's state after the change, and the execution a trigger started
	 */
	@WriteOperation
	public Map<String, Object> recurring(@Selector String part, @Selector String name, @Selector String action) {
		if (!"recurring".equals(part)) {
			throw new InvalidEndpointRequestException("Unknown part '" + part + "': recurring", "unknown part");
		}
		return RecurringActions.apply(this.recurring, name, action);
	}

	/**
	 * Drains this application's worker pools (they take no new request; running ones finish)
	 * or resumes them: {@code POST /actuator/execution/drain} or {@code …/resume}, under the
	 * management port's security, like every write operation.
	 * @param action {@code drain} or {@code resume}
	 * @return the pools after the change
	 */
	@WriteOperation
	public WorkerOperations.Capabilities pools(@Selector String action) {
		if (this.operations == null) {
			throw new InvalidEndpointRequestException("This application runs no worker pools",
					"no worker pools (execution.worker.enabled is false)");
		}
		return switch (action) {
			case "drain" -> this.operations.drain();
			case "resume" -> this.operations.resume();
			default -> throw new InvalidEndpointRequestException("Unknown action '" + action + "': drain or resume",
					"unknown action");
		};
	}

	private io.execution.core.CachedResults cached;

	private io.execution.queue.QueueControl queues;

	/**
	 * Lets the endpoint pause and resume queues.
	 * @param queues the queues' control, or {@code null} without a queue backend
	 * @return this endpoint
	 */
	public ExecutionEndpoint queueControl(io.execution.queue.QueueControl queues) {
		this.queues = queues;
		return this;
	}

	/**
	 * Pauses or resumes a queue for every worker sharing the backend: {@code POST
	 * /actuator/execution/pause/{queue}} or {@code …/resume/{queue}}.
	 * @param action {@code pause} or {@code resume}
	 * @param queue the queue
	 * @return the queue and whether it is paused now
	 */
	@WriteOperation
	public Map<String, Object> queue(@Selector String action, @Selector String queue) {
		if (this.queues == null) {
			throw new InvalidEndpointRequestException("This application has no queue backend", "no queues");
		}
		switch (action) {
			case "pause" -> this.queues.pause(queue);
			case "resume" -> this.queues.resume(queue);
			default -> throw new InvalidEndpointRequestException("Unknown action '" + action + "': pause or resume",
					"unknown action");
		}
		return Map.of("queue", queue, "paused", this.queues.isPaused(queue));
	}

	/**
	 * Lets the endpoint evict {@code @CacheResult} results.
	 * @param cached the cached results, or {@code null} when there are none
	 * @return this endpoint
	 */
	public ExecutionEndpoint cachedResults(io.execution.core.CachedResults cached) {
		this.cached = cached;
		return this;
	}

	/**
	 * Evicts every cached result of a service ({@code @CacheResult}): {@code DELETE
	 * /actuator/execution/cached-results/{service}}, under the management security like every
	 * write operation.
	 * @param part {@code cached-results}
	 * @param service the service
	 * @return what was done
	 */
	@org.springframework.boot.actuate.endpoint.annotation.DeleteOperation
	public Map<String, Object> evict(@Selector String part, @Selector String service) {
		if (!"cached-results".equals(part)) {
			throw new InvalidEndpointRequestException("Unknown part '" + part + "': cached-results", "unknown part");
		}
		if (this.cached == null) {
			throw new InvalidEndpointRequestException("This application caches no results", "no result cache");
		}
		this.cached.evict(service);
		return Map.of("service", service, "evicted", true);
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
