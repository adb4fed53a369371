package io.execution.worker;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.ExecutionRejectedException;
import io.execution.async.ExecutionRecord;
import io.execution.core.ClientMethod;
import io.execution.core.EndpointDefinition;
import io.execution.core.Invocation;
import io.execution.core.Transport;
import io.execution.core.TransportFactory;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workers the registry knows, each reachable by its id: {@link #of(String)} gives the
 * {@link WorkerOperations} of exactly that worker (ping, capabilities, status, drain, resume),
 * whatever else serves its queues. This process's own worker answers in process; another
 * process's over HTTP at the URL it advertises when it serves HTTP routes, else through its own
 * control queue ({@link #controlQueue(String)}), which every worker on a backend shared across
 * processes serves beside its pools and never drains, so that a drained worker can be resumed.
 */
public final class Workers implements AutoCloseable {

	/** How a worker is reached. */
	public enum Route {

		/** This process's own worker. */
		IN_PROCESS,

		/** Over HTTP, at the URL the worker advertises. */
		HTTP,

		/** Through the worker's own control queue. */
		QUEUE

	}

	private final WorkerRegistry registry;

	private final WorkerOperations self;

	private final String selfId;

	private final Map<String, TransportFactory> factories;

	private final Duration timeout;

	/** The built-in service's client methods, by name: made once, not per operation. */
	private final Map<String, ClientMethod> methods;

	/** The transports to the workers asked so far, by route and address. */
	private final Map<String, Transport> transports = new ConcurrentHashMap<>();

	/**
	 * Makes the directory.
	 * @param registry the worker registry
	 * @param self this process's own operations
	 * @param selfId this process's worker id
	 * @param factories the transport factories, by mode ({@code http}, {@code queue}); those
	 * missing are routes not taken
	 * @param mapper binds the answers
	 * @param timeout the time one operation may take
	 */
	public Workers(WorkerRegistry registry, WorkerOperations self, String selfId, Map<String, TransportFactory> factories,
			JsonMapper mapper, Duration timeout) {
		this.registry = registry;
		this.self = self;
		this.selfId = selfId;
		this.factories = Map.copyOf(factories);
		this.timeout = timeout;
		Map<String, ClientMethod> byName = new java.util.HashMap<>();
		for (Method method : WorkerOperations.class.getMethods()) {
			byName.put(method.getName(), ClientMethod.of(WorkerOperations.SERVICE, method, mapper, true));
		}
		this.methods = Map.copyOf(byName);
	}

	/**
	 * The queue a worker reads its own operations from.
	 * @param workerId the worker's id
	 * @return the queue's name
	 */
	public static String controlQueue(String workerId) {
		return WorkerOperations.SERVICE + "." + workerId;
	}

	/**
	 * The workers the registry knows, freshest first.
	 * @return the workers
	 */
	public List<WorkerInfo> list() {
		return this.registry.workers();
	}

	/**
	 * One worker, by id.
	 * @param workerId its id
	 * @return the worker, or empty when the registry does not know it
	 */
	public Optional<WorkerInfo> find(String workerId) {
		return this.registry.workers().stream().filter((worker) -> worker.id().equals(workerId)).findFirst();
	}

	/**
	 * How {@link #of(String)} reaches a worker.
	 * @param workerId its id
	 * @return the route
	 * @throws ExecutionRejectedException when the registry does not know it or it cannot be reached from here
	 */
	public Route route(String workerId) {
		if (workerId.equals(this.selfId)) {
			return Route.IN_PROCESS;
		}
		WorkerInfo worker = find(workerId).orElseThrow(() -> new ExecutionRejectedException("No worker '" + workerId
				+ "' in the worker registry: it stopped, or never registered (known: "
				+ this.registry.workers().stream().map(WorkerInfo::id).toList() + ")"));
		if (worker.url() != null && this.factories.containsKey("http")) {
			return Route.HTTP;
		}
		if (this.factories.containsKey("queue") && this.registry.forwardsRequests()) {
			return Route.QUEUE;
		}
		throw new ExecutionRejectedException("Worker '" + workerId + "' cannot be reached from here: it serves no HTTP"
				+ " routes and the queue backend is not shared across processes (execution.queue.backend=redis)");
	}

	/**
	 * The operations of one worker, and of it alone.
	 * @param workerId its id
	 * @return its operations; each call fails as any call does when the worker cannot answer
	 * @throws ExecutionRejectedException when the registry does not know it or it cannot be reached from here
	 */
	public WorkerOperations of(String workerId) {
		Route route = route(workerId);
		if (route == Route.IN_PROCESS) {
			return this.self;
		}
		String address = (route == Route.HTTP) ? find(workerId).map(WorkerInfo::url).orElseThrow()
				: controlQueue(workerId);
		String mode = (route == Route.HTTP) ? "http" : "queue";
		Transport transport = this.transports.computeIfAbsent(mode + " " + address,
				(key) -> this.factories.get(mode)
					.create(new EndpointDefinition(WorkerOperations.SERVICE + "@" + workerId, mode, this.timeout)
						.at(address)));
		return new Remote(transport);
	}

	@Override
	public void close() {
		this.transports.values().forEach(Transport::close);
		this.transports.clear();
	}

	/** One worker's operations, sent over a transport to it alone. */
	private final class Remote implements WorkerOperations {

		private final Transport transport;

		Remote(Transport transport) {
			this.transport = transport;
		}

		private Object call(String name, Object... args) {
			return this.transport.invoke(Invocation.start(Workers.this.methods.get(name), args,
					Workers.this.timeout.toNanos()));
		}

		@Override
		public Pong ping() {
			return (Pong) call("ping");
		}

		@Override
		public Capabilities capabilities() {
			return (Capabilities) call("capabilities");
		}

		@Override
		public ExecutionRecord status(String executionId) {
			return (ExecutionRecord) call("status", executionId);
		}

		@Override
		public Capabilities drain() {
			return (Capabilities) call("drain");
		}

		@Override
		public Capabilities resume() {
			return (Capabilities) call("resume");
		}

	}

}
