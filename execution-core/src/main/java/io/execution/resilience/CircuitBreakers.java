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
 * ({@code resilience4j.circuitbreaker.instances.<name>}, or a config of its name) is taken as it
 * is; any other gets Execution's defaults, which trip after a run of consecutive failures even at
 * low traffic (Resilience4j's own wait for 100 calls), with whatever keys the user set under
 * {@code resilience4j.circuitbreaker.configs.default} taken from there. Each endpoint's breaker
 * says once, in the log and in Actuator, which it took.
 * <p>
 * Every endpoint that is not local has one, named after it, whatever its mode: the dispatcher
 * asks it before sending a call and tells it how the call ended. An http endpoint also has one
 * per URL ({@code <endpoint>@<url>}), which its balancer asks.
 */
public final class CircuitBreakers {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(CircuitBreakers.class);

	/** The keys of {@code resilience4j.circuitbreaker.configs.*} that Execution's low-traffic defaults set. */
	static final java.util.List<String> LOW_TRAFFIC_KEYS = java.util.List.of("sliding-window-type", "sliding-window-size",
			"minimum-number-of-calls", "failure-rate-threshold", "wait-duration-in-open-state",
			"permitted-number-of-calls-in-half-open-state", "automatic-transition-from-open-to-half-open-enabled");

	private final CircuitBreakerRegistry registry;

	private final CircuitBreakerConfig defaults;

	private final java.util.Set<String> defaultKeys;

	private final boolean registryDefaults;

	private final int failureThreshold;

	private final Duration openDuration;

	private final java.util.Map<String, String> origins = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Makes the factory.
	 * @param registry the registry (the user's, when there is one)
	 * @param failureThreshold consecutive failures that open a breaker
	 * @param openDuration how long a breaker stays open before it lets a probe through
	 * @param registryDefaults whether breakers the user did not name take the registry's default
	 * configuration instead of Execution's
	 * @deprecated since 0.1 for {@link #CircuitBreakers(CircuitBreakerRegistry, int, Duration, java.util.Set)},
	 * which merges the registry's default with Execution's key by key
	 */
	@Deprecated(since = "0.1")
	public CircuitBreakers(CircuitBreakerRegistry registry, int failureThreshold, Duration openDuration,
			boolean registryDefaults) {
		this(registry, failureThreshold, openDuration, java.util.Set.of(), registryDefaults);
	}

	/**
	 * Makes the factory, merging the registry's default configuration with Execution's: the keys
	 * the user set under {@code resilience4j.circuitbreaker.configs.default} are taken from it,
	 * every other of Execution's low-traffic values stays (setting only
	 * {@code register-health-indicator} changes nothing of how a breaker trips).
	 * @param registry the registry (the user's, when there is one)
	 * @param failureThreshold consecutive failures that open a breaker
	 * @param openDuration how long a breaker stays open before it lets a probe through
	 * @param defaultKeys the keys set under {@code resilience4j.circuitbreaker.configs.default},
	 * as written ({@code sliding-window-size}); empty when none
	 */
	public CircuitBreakers(CircuitBreakerRegistry registry, int failureThreshold, Duration openDuration,
			java.util.Set<String> defaultKeys) {
		this(registry, failureThreshold, openDuration, defaultKeys, false);
	}

	private CircuitBreakers(CircuitBreakerRegistry registry, int failureThreshold, Duration openDuration,
			java.util.Set<String> defaultKeys, boolean registryDefaults) {
		this.registry = registry;
		this.registryDefaults = registryDefaults;
		this.defaultKeys = java.util.Set.copyOf(defaultKeys);
		this.failureThreshold = failureThreshold;
		this.openDuration = openDuration;
		this.defaults = merged(CircuitBreakerConfig.custom().build(), java.util.Set.of());
	}

	/** Execution's low-traffic values, but for the keys given, which keep the base's. */
	private CircuitBreakerConfig merged(CircuitBreakerConfig base, java.util.Set<String> kept) {
		CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.from(base);
		if (!kept.contains("sliding-window-type")) {
			builder.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
		}
		if (!kept.contains("sliding-window-size")) {
			builder.slidingWindowSize(this.failureThreshold);
		}
		if (!kept.contains("minimum-number-of-calls")) {
			builder.minimumNumberOfCalls(this.failureThreshold);
		}
		if (!kept.contains("failure-rate-threshold")) {
			builder.failureRateThreshold(100);
		}
		if (!kept.contains("wait-duration-in-open-state")) {
			builder.waitDurationInOpenState(this.openDuration);
		}
		if (!kept.contains("permitted-number-of-calls-in-half-open-state")) {
			builder.permittedNumberOfCallsInHalfOpenState(1);
		}
		if (!kept.contains("automatic-transition-from-open-to-half-open-enabled")) {
			builder.automaticTransitionFromOpenToHalfOpenEnabled(false);
		}
		return builder.build();
	}

	/**
	 * The breaker of a name: the configured one, or a new one, registered, with the defaults.
	 * @param name the breaker's name
	 * @return the breaker
	 */
	public CircuitBreaker get(String name) {
		return this.registry.find(name).map((found) -> {
			this.origins.putIfAbsent(name, "resilience4j.circuitbreaker.instances." + name);
			return found;
		}).orElseGet(() -> create(name));
	}

	private CircuitBreaker create(String name) {
		String origin;
		CircuitBreaker breaker;
		if (this.registry.getConfiguration(name).isPresent()) {
			origin = "resilience4j.circuitbreaker.configs." + name;
			breaker = this.registry.circuitBreaker(name, name);
		}
		else if (this.registryDefaults) {
			origin = "resilience4j.circuitbreaker.configs.default";
			breaker = this.registry.circuitBreaker(name);
		}
		else {
			java.util.Set<String> kept = new java.util.TreeSet<>(this.defaultKeys);
			kept.retainAll(LOW_TRAFFIC_KEYS);
			origin = "Execution's defaults (execution.circuit-breaker.*: " + this.failureThreshold
					+ " consecutive failures, open " + this.openDuration.toSeconds() + "s)"
					+ (this.defaultKeys.isEmpty() ? "" : ", with resilience4j.circuitbreaker.configs.default's "
							+ new java.util.TreeSet<>(this.defaultKeys));
			breaker = this.registry.circuitBreaker(name,
					this.defaultKeys.isEmpty() ? this.defaults : merged(this.registry.getDefaultConfig(), kept));
		}
		if (this.origins.putIfAbsent(name, origin) == null && name.indexOf('@') < 0) {
			logger.info("Endpoint '{}': circuit breaker from {}", name, origin);
		}
		return breaker;
	}

	/**
	 * Where a breaker's configuration came from, as Actuator shows it.
	 * @param name the breaker's name (an endpoint's)
	 * @return the origin, or {@code null} for a breaker not made here
	 */
	public String origin(String name) {
		return this.origins.get(name);
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
