package io.execution.resilience;

import java.time.Duration;

import io.execution.core.EndpointDefinition;
import io.execution.core.Endpoints;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * Makes circuit breakers in a Resilience4j registry, so that they show in Resilience4j's own
 * actuator endpoints and meters: an instance the user configured
 * ({@code resilience4j.circuitbreaker.instances.<name>}) is taken as it is; any other gets the
 * registry's default configuration when the user gave one
 * ({@code resilience4j.circuitbreaker.configs.default}), else Execution's defaults, which trip
 * after a run of consecutive failures even at low traffic (Resilience4j's own wait for 100 calls).
 * <p>
 * Every endpoint that is not local has one, named after it, whatever its mode: the dispatcher
 * asks it before sending a call and tells it how the call ended. An http endpoint also has one
 * per URL ({@code <endpoint>@<url>}), which its balancer asks.
 */
public final class CircuitBreakers {

	private final CircuitBreakerRegistry registry;

	private final CircuitBreakerConfig defaults;

	private final boolean registryDefaults;

	/**
	 * Makes the factory.
	 * @param registry the registry (the user's, when there is one)
	 * @param failureThreshold consecutive failures that open a breaker
	 * @param openDuration how long a breaker stays open before it lets a probe through
	 * @param registryDefaults whether breakers the user did not name take the registry's default
	 * configuration instead of Execution's
	 */
	public CircuitBreakers(CircuitBreakerRegistry registry, int failureThreshold, Duration openDuration,
			boolean registryDefaults) {
		this.registry = registry;
		this.registryDefaults = registryDefaults;
		this.defaults = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(failureThreshold)
			.minimumNumberOfCalls(failureThreshold)
			.failureRateThreshold(100)
			.waitDurationInOpenState(openDuration)
			.permittedNumberOfCallsInHalfOpenState(1)
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.build();
	}

	/**
	 * The breaker of a name: the configured one, or a new one, registered, with the defaults.
	 * @param name the breaker's name
	 * @return the breaker
	 */
	public CircuitBreaker get(String name) {
		return this.registry.find(name)
			.orElseGet(() -> this.registryDefaults ? this.registry.circuitBreaker(name)
					: this.registry.circuitBreaker(name, this.defaults));
	}

	/**
	 * The breaker of an endpoint: its own, named after it, unless it runs in this JVM (nothing
	 * between a local caller and the method can fail as an endpoint does).
	 * @param endpoint the endpoint
	 * @return its breaker, or {@code null} for a local endpoint
	 */
	public CircuitBreaker forEndpoint(EndpointDefinition endpoint) {
		return Endpoints.LOCAL.equals(endpoint.mode()) ? null : get(endpoint.name());
	}

}
