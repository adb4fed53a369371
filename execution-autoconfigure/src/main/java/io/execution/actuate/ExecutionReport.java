package io.execution.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.execution.async.DefaultExecutions;
import io.execution.core.CallStatistics;
import io.execution.core.Endpoint;
import io.execution.core.Endpoints;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueState;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;

/**
 * Gathers what health and the {@code execution} actuator endpoint show: each endpoint's mode,
 * settings, breaker and URL states and statistics; each queue's depth, oldest age and dead
 * letters; each worker with its pools and heartbeat.
 */
public final class ExecutionReport {

	private final Endpoints endpoints;

	private final CallStatistics statistics;

	private final QueueBackend queues;

	private final WorkerRegistry registry;

	private final java.util.function.Supplier<DefaultExecutions> executions;

	private final java.util.function.Supplier<? extends Collection<String>> ownQueues;

	private volatile java.util.function.Function<String, Map<String, Object>> resilience = (name) -> Map.of();

	/**
	 * Makes the report.
	 * @param endpoints the endpoints
	 * @param statistics the calls' statistics
	 * @param queues the queue backend, or {@code null}
	 * @param registry the worker registry, or {@code null}
	 */
	public ExecutionReport(Endpoints endpoints, CallStatistics statistics, QueueBackend queues,
			WorkerRegistry registry) {
		this(endpoints, statistics, queues, registry, () -> null, List::of);
	}

	/**
	 * Makes the report, with this application's executions.
	 * @param endpoints the endpoints
	 * @param statistics the calls' statistics
	 * @param queues the queue backend, or {@code null}
	 * @param registry the worker registry, or {@code null}
	 * @param executions supplies the executions (found when first shown: they depend on what
	 * depends on this report), or {@code null}
	 * @param ownQueues the queues this application's worker pools serve, whatever the backend
	 */
	public ExecutionReport(Endpoints endpoints, CallStatistics statistics, QueueBackend queues,
			WorkerRegistry registry, java.util.function.Supplier<DefaultExecutions> executions,
			java.util.function.Supplier<? extends Collection<String>> ownQueues) {
		this.ownQueues = ownQueues;
		this.endpoints = endpoints;
		this.statistics = statistics;
		this.queues = queues;
		this.registry = registry;
		this.executions = executions;
	}

	/**
	 * Says where each endpoint's breaker and retry took their configuration (Execution's
	 * defaults, with which keys of Resilience4j's {@code configs.default}, or a Resilience4j
	 * instance), shown with the endpoint.
	 * @param resilience the origins of an endpoint's resilience, by endpoint name
	 * @return this report
	 */
	public ExecutionReport resilience(java.util.function.Function<String, Map<String, Object>> resilience) {
		this.resilience = resilience;
		return this;
	}

	/**
	 * Where execution records are kept and how many this process follows.
	 * @return the description, empty without executions
	 */
	public Map<String, Object> executions() {
		Map<String, Object> description = new LinkedHashMap<>();
		DefaultExecutions known = this.executions.get();
		if (known != null) {
			description.put("store", known.store().name());
			description.put("retention", known.store().retention().toString());
			description.put("followedHere", known.followed());
		}
		return description;
	}

	/**
	 * Whether an endpoint refuses calls now.
	 * @param name the endpoint
	 * @return {@code true} when its breaker is open
	 */
	public boolean refusing(String name) {
		Endpoint endpoint = this.endpoints.all().get(name);
		return endpoint != null && endpoint.refusing();
	}

	/**
	 * One endpoint.
	 * @param name the endpoint
	 * @return its description, or {@code null} when there is no such endpoint
	 */
	public Map<String, Object> endpoint(String name) {
		Endpoint endpoint = this.endpoints.all().get(name);
		if (endpoint == null) {
			return null;
		}
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("mode", endpoint.mode());
		description.put("timeout", endpoint.definition().timeout().toString());
		if (!endpoint.fallbacks().isEmpty()) {
			description.put("fallback", endpoint.fallbacks());
		}
		description.putAll(endpoint.describe());
		description.putAll(this.resilience.apply(name));
		description.put("statistics", this.statistics.of(name));
		return description;
	}

	/**
	 * The calls this application served for the services it offers (over HTTP and on its worker
	 * pools), by service: what other instances' clients asked of it, where the endpoints'
	 * statistics count what this application's clients asked.
	 * @return statistics by service
	 */
	public Map<String, CallStatistics.Snapshot> served() {
		return this.statistics.served();
	}

	/**
	 * Every endpoint.
	 * @return descriptions by name
	 */
	public Map<String, Object> endpoints() {
		Map<String, Object> all = new LinkedHashMap<>();
		for (String name : this.endpoints.all().keySet()) {
			all.put(name, endpoint(name));
		}
		return all;
	}

	/**
	 * The queues this application sends to or serves.
	 * @return their names
	 */
	public Set<String> queueNames() {
		Set<String> names = new LinkedHashSet<>();
		for (Endpoint endpoint : this.endpoints.all().values()) {
			Object queue = endpoint.transport().describe().get("queue");
			if (queue != null) {
				names.add(queue.toString());
			}
		}
		// Only this process's own pools: other workers may serve queues this application never uses.
		names.addAll(this.ownQueues.get());
		return names;
	}

	/**
	 * The state of every queue, with its live workers (the registry is read once).
	 * @return states by queue
	 */
	public Map<String, Object> queues() {
		Map<String, Object> all = new LinkedHashMap<>();
		if (this.queues == null) {
			return all;
		}
		List<WorkerInfo> workers = liveWorkers();
		for (String queue : queueNames()) {
			all.put(queue, describe(queue, workers));
		}
		return all;
	}

	/**
	 * The state of one queue, with its live workers.
	 * @param queue the queue
	 * @return its state, or {@code null} without a queue backend
	 */
	public Map<String, Object> queue(String queue) {
		return (this.queues != null) ? describe(queue, liveWorkers()) : null;
	}

	private Map<String, Object> describe(String queue, List<WorkerInfo> workers) {
		QueueState state = state(queue);
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("backend", this.queues.name());
		description.put("depth", state.depth());
		description.put("oldestAgeMs", state.oldestAge().toMillis());
		description.put("deadLetters", state.deadLetters());
		description.put("scheduled", state.scheduled());
		if (state.nextDue() != null) {
			description.put("nextDueInMs", state.nextDue().toMillis());
		}
		try {
			description.put("paused", this.queues.paused(queue));
		}
		catch (RuntimeException ex) {
			// The backend cannot say now: the rest of the state still shows.
		}
		description.put("liveWorkers", (workers != null) ? countServing(workers, queue) : -1);
		// A queue whose live workers all drain is not served, however many there are.
		description.put("acceptingWorkers", (workers != null) ? (int) workers.stream()
			.filter((worker) -> worker.pools().stream().anyMatch((pool) -> pool.queue().equals(queue) && pool.accepting()))
			.count() : -1);
		if (!state.lanes().isEmpty()) {
			description.put("lanes", state.lanes().stream().map((lane) -> {
				Map<String, Object> one = new LinkedHashMap<>();
				one.put("priority", lane.priority());
				if (lane.fairnessKey() != null) {
					one.put("fairnessKey", lane.fairnessKey());
				}
				if (!lane.requirement().isEmpty()) {
					one.put("requires", lane.requirement());
				}
				one.put("depth", lane.depth());
				return one;
			}).toList());
		}
		Map<String, Object> limits = this.queues.limitsInUse(queue);
		if (!limits.isEmpty()) {
			description.put("limitsInUse", limits);
		}
		Map<String, Object> requirements = requirements(queue, workers);
		if (!requirements.isEmpty()) {
			description.put("requirements", requirements);
		}
		return description;
	}

	/**
	 * The requirements of the endpoints sending to a queue, each with the live workers of the
	 * queue whose tags meet it.
	 */
	private Map<String, Object> requirements(String queue, List<WorkerInfo> workers) {
		Map<String, Object> requirements = new LinkedHashMap<>();
		for (Map.Entry<String, Endpoint> entry : this.endpoints.all().entrySet()) {
			if (!(entry.getValue().transport() instanceof io.execution.queue.QueueTransport transport)
					|| !transport.queue().equals(queue) || transport.lane().requires().isEmpty()) {
				continue;
			}
			Map<String, String> requires = transport.lane().requires();
			Map<String, Object> requirement = new LinkedHashMap<>();
			requirement.put("endpoint", entry.getKey());
			requirement.put("matchingWorkers", (workers == null) ? List.of()
					: workers.stream()
						.filter((worker) -> worker.pools().stream().anyMatch((pool) -> pool.queue().equals(queue)))
						.filter((worker) -> io.execution.queue.QueueLane.matches(requires, worker.tags()))
						.map(WorkerInfo::id)
						.toList());
			requirements.put(io.execution.queue.QueueLane.requirement(requires), requirement);
		}
		return requirements;
	}

	/**
	 * The names of the endpoints.
	 * @return the names
	 */
	public Set<String> endpointNames() {
		return this.endpoints.all().keySet();
	}

	/**
	 * What one queue holds now.
	 * @param queue the queue
	 * @return its state, {@link QueueState#UNKNOWN} without a queue backend
	 */
	public QueueState state(String queue) {
		return (this.queues != null) ? this.queues.state(queue) : QueueState.UNKNOWN;
	}

	/**
	 * The live workers of a pool.
	 * @param queue the pool's queue
	 * @return how many, -1 when the registry cannot be read
	 */
	public int liveWorkers(String queue) {
		List<WorkerInfo> workers = liveWorkers();
		return (workers != null) ? countServing(workers, queue) : -1;
	}

	private List<WorkerInfo> liveWorkers() {
		if (this.registry == null) {
			return List.of();
		}
		try {
			return this.registry.workers().stream().filter((worker) -> !worker.stale()).toList();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static int countServing(List<WorkerInfo> workers, String queue) {
		return (int) workers.stream()
			.filter((worker) -> worker.pools().stream().anyMatch((pool) -> pool.queue().equals(queue)))
			.count();
	}

	/**
	 * Every worker the registry knows, with the age of its last heartbeat.
	 * @return the workers
	 */
	public List<Map<String, Object>> workers() {
		List<Map<String, Object>> all = new ArrayList<>();
		if (this.registry == null) {
			return all;
		}
		Instant now = Instant.now();
		for (WorkerInfo worker : this.registry.workers()) {
			Map<String, Object> description = new LinkedHashMap<>();
			description.put("id", worker.id());
			description.put("host", worker.host());
			if (worker.application() != null) {
				description.put("application", worker.application());
			}
			if (worker.url() != null) {
				description.put("url", worker.url());
			}
			description.put("pools", worker.pools());
			description.put("tags", worker.tags());
			description.put("services", (worker.services() != null) ? worker.services() : List.of());
			description.put("version", worker.version());
			description.put("startedAt", worker.startedAt().toString());
			description.put("lastHeartbeat", worker.lastHeartbeat().toString());
			description.put("lastHeartbeatAgeMs", Math.max(0, Duration.between(worker.lastHeartbeat(), now).toMillis()));
			description.put("stale", worker.stale());
			all.add(description);
		}
		return all;
	}

}
