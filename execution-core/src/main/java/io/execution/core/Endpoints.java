package io.execution.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import io.execution.ServiceNotFoundException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The endpoints of an application, by service name: the configured ones, made when the
 * application starts, and a local endpoint for each service this application has itself and
 * did not configure.
 */
public final class Endpoints implements AutoCloseable {

	/** The mode of services that run in this JVM. */
	public static final String LOCAL = "local";

	private final Map<String, TransportFactory> factories = new LinkedHashMap<>();

	private final Predicate<String> localServices;

	private final Duration defaultTimeout;

	private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

	/** The circuit breaker of each endpoint, or {@code null} for none. */
	private final Function<EndpointDefinition, CircuitBreaker> breakers;

	/**
	 * Makes the configured endpoints.
	 * @param configured the configured endpoints
	 * @param factories a factory for each available mode
	 * @param localServices tells whether this application has a service of the given name
	 * @param defaultTimeout the timeout of endpoints that were not configured
	 */
	public Endpoints(Collection<EndpointDefinition> configured, Collection<? extends TransportFactory> factories,
			Predicate<String> localServices, Duration defaultTimeout) {
		this(configured, factories, localServices, defaultTimeout, (endpoint) -> null);
	}

	/**
	 * Makes the configured endpoints, each guarded by the circuit breaker it is given.
	 * @param configured the configured endpoints
	 * @param factories a factory for each available mode
	 * @param localServices tells whether this application has a service of the given name
	 * @param defaultTimeout the timeout of endpoints that were not configured
	 * @param breakers the circuit breaker of an endpoint, or {@code null} for none
	 */
	public Endpoints(Collection<EndpointDefinition> configured, Collection<? extends TransportFactory> factories,
			Predicate<String> localServices, Duration defaultTimeout,
			Function<EndpointDefinition, CircuitBreaker> breakers) {
		this.breakers = breakers;
		factories.forEach((factory) -> this.factories.put(factory.mode(), factory));
		this.localServices = localServices;
		this.defaultTimeout = defaultTimeout;
		for (EndpointDefinition definition : configured) {
			this.endpoints.put(definition.name(), create(definition));
		}
	}

	/**
	 * Finds the endpoint of a service.
	 * @param service the service name
	 * @return its endpoint
	 * @throws ServiceNotFoundException when the service is neither configured nor local
	 */
	public Endpoint resolve(String service) {
		Endpoint endpoint = this.endpoints.get(service);
		return (endpoint != null) ? endpoint : this.endpoints.computeIfAbsent(service, this::createDefault);
	}

	/**
	 * The endpoints made so far, configured or resolved.
	 * @return the endpoints by name
	 */
	public Map<String, Endpoint> all() {
		return Map.copyOf(this.endpoints);
	}

	/**
	 * The modes that have a transport factory.
	 * @return the mode names
	 */
	public List<String> modes() {
		return List.copyOf(this.factories.keySet());
	}

	private Endpoint createDefault(String service) {
		if (!this.localServices.test(service)) {
			throw new ServiceNotFoundException("No endpoint for service '" + service
					+ "': this application has no @ExecutionService of that name and execution.endpoints." + service
					+ ".mode is not set (local, http or queue)");
		}
		return create(new EndpointDefinition(service, LOCAL, this.defaultTimeout));
	}

	private Endpoint create(EndpointDefinition definition) {
		TransportFactory factory = this.factories.get(definition.mode());
		if (factory == null) {
			throw new IllegalStateException("Mode '" + definition.mode() + "' of execution.endpoints."
					+ definition.name() + ".mode is not available; available modes: " + this.factories.keySet()
					+ " (http needs spring-boot-starter-restclient; redis queues need spring-boot-starter-data-redis)");
		}
		return new Endpoint(definition, factory.create(definition), this.breakers.apply(definition));
	}

	@Override
	public void close() {
		this.endpoints.values().forEach((endpoint) -> endpoint.transport().close());
	}

}
