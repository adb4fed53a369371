package io.execution.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.execution.async.DefaultExecutions;
import io.execution.async.ExecutionRecord;
import io.execution.registry.WorkerInfo;
import io.execution.service.ServiceDefinition;
import io.execution.service.ServiceMethod;
import io.execution.service.ServiceRegistry;

/**
 * This application's answers to the {@link WorkerOperations} it offers as the built-in service.
 */
public final class WorkerOperationsService implements WorkerOperations {

	private final ServiceRegistry services;

	private final Supplier<WorkerPools> pools;

	private final Supplier<DefaultExecutions> executions;

	private final Map<String, String> tags;

	private final Map<String, Object> limits;

	/** This application's worker id, when it runs one. */
	private final Supplier<String> worker;

	/**
	 * Makes the service.
	 * @param services this application's services
	 * @param pools its worker pools, or {@code null} when it runs none
	 * @param executions its executions, or {@code null}
	 * @param tags the tags it advertises
	 * @param limits its limits (payload limit, queue capacity)
	 */
	public WorkerOperationsService(ServiceRegistry services, Supplier<WorkerPools> pools,
			Supplier<DefaultExecutions> executions, Map<String, String> tags, Map<String, Object> limits) {
		this(services, pools, executions, tags, limits, () -> null);
	}

	/**
	 * Makes the service, answering as this application's worker.
	 * @param services this application's services
	 * @param pools its worker pools, or {@code null} when it runs none
	 * @param executions its executions, or {@code null}
	 * @param tags the tags it advertises
	 * @param limits its limits (payload limit, queue capacity)
	 * @param worker its worker's id as the registry knows it, or {@code null} for the process's name
	 */
	public WorkerOperationsService(ServiceRegistry services, Supplier<WorkerPools> pools,
			Supplier<DefaultExecutions> executions, Map<String, String> tags, Map<String, Object> limits,
			Supplier<String> worker) {
		this.worker = worker;
		this.services = services;
		this.pools = pools;
		this.executions = executions;
		this.tags = Map.copyOf(tags);
		this.limits = Map.copyOf(limits);
	}

	@Override
	public Pong ping() {
		return new Pong(workerId(), Instant.now(), version());
	}

	@Override
	public Capabilities capabilities() {
		WorkerPools workers = this.pools.get();
		List<WorkerInfo.Pool> pools = (workers != null) ? workers.pools().stream().map(LocalWorker::describe).toList()
				: List.of();
		return new Capabilities(workerId(), version(), describe(this.services), this.tags, pools,
				workers != null && workers.isDraining(), this.limits);
	}

	@Override
	public ExecutionRecord status(String executionId) {
		DefaultExecutions known = this.executions.get();
		return (known != null) ? known.lookup(executionId).orElse(null) : null;
	}

	@Override
	public Capabilities drain() {
		WorkerPools workers = this.pools.get();
		if (workers != null) {
			workers.drain();
		}
		return capabilities();
	}

	@Override
	public Capabilities resume() {
		WorkerPools workers = this.pools.get();
		if (workers != null) {
			workers.resume();
		}
		return capabilities();
	}

	/** The worker id the registry knows this application by; the process's name when it runs no worker. */
	private String workerId() {
		String id = this.worker.get();
		return (id != null) ? id : LocalWorker.processId();
	}

	/**
	 * Describes the services of a registry, but for the built-in one.
	 * @param services the registry
	 * @return the services and their methods, by name
	 */
	public static List<WorkerInfo.Service> describe(ServiceRegistry services) {
		List<WorkerInfo.Service> described = new ArrayList<>();
		for (ServiceDefinition service : services.services()) {
			if (service.name().equals(SERVICE)) {
				continue;
			}
			List<WorkerInfo.Method> methods = new ArrayList<>();
			for (ServiceMethod method : service.methods()) {
				methods.add(new WorkerInfo.Method(method.name(),
						Arrays.stream(method.method().getGenericParameterTypes()).map(java.lang.reflect.Type::getTypeName)
							.toList(),
						method.method().getGenericReturnType().getTypeName(), method.streaming()));
			}
			methods.sort(Comparator.comparing(WorkerInfo.Method::name).thenComparing((method) -> method.parameters().size()));
			described.add(new WorkerInfo.Service(service.name(), methods));
		}
		described.sort(Comparator.comparing(WorkerInfo.Service::name));
		return described;
	}

	/**
	 * This library's version, from its jar's manifest.
	 * @return the version, {@code development} when run from classes
	 */
	public static String version() {
		String version = WorkerOperations.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "development";
	}

}
