package io.execution.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A service as callers reach it: its definition, the transport that carries its calls (the
 * wire), and the policies the dispatcher applies around that wire whatever the mode: the
 * deadline ({@code timeoutNanos}) and the endpoint's circuit breaker.
 *
 * @param definition the endpoint's settings
 * @param transport the transport of its mode
 * @param timeoutNanos the call timeout, in nanoseconds
 * @param breaker the endpoint's circuit breaker, asked before each call is sent and told how it
 * ended; {@code null} for none (local endpoints)
 */
public record Endpoint(EndpointDefinition definition, Transport transport, long timeoutNanos, CircuitBreaker breaker) {

	/**
	 * An endpoint without a circuit breaker.
	 * @param definition the endpoint's settings
	 * @param transport the transport of its mode
	 */
	public Endpoint(EndpointDefinition definition, Transport transport) {
		this(definition, transport, definition.timeout().toNanos(), null);
	}

	/**
	 * An endpoint guarded by a circuit breaker.
	 * @param definition the endpoint's settings
	 * @param transport the transport of its mode
	 * @param breaker its circuit breaker, or {@code null}
	 */
	public Endpoint(EndpointDefinition definition, Transport transport, CircuitBreaker breaker) {
		this(definition, transport, definition.timeout().toNanos(), breaker);
	}

	/**
	 * The endpoint's name.
	 * @return the name
	 */
	public String name() {
		return this.definition.name();
	}

	/**
	 * The endpoint's mode.
	 * @return the mode
	 */
	public String mode() {
		return this.definition.mode();
	}

	/**
	 * The endpoints tried, in order, when this one fails.
	 * @return the fallback endpoint names
	 */
	public List<String> fallbacks() {
		return this.definition.fallbacks();
	}

	/**
	 * Whether the endpoint refuses calls now: its circuit breaker is open, or its transport says so.
	 * @return {@code true} while calls are refused
	 */
	public boolean refusing() {
		if (this.breaker != null) {
			CircuitBreaker.State state = this.breaker.getState();
			if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
				return true;
			}
		}
		return this.transport.refusing();
	}

	/**
	 * What an operator should know of the endpoint: its breaker's state ({@code circuit}) and what
	 * its transport tells.
	 * @return details
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		if (this.breaker != null) {
			description.put("circuit", this.breaker.getState().name());
		}
		description.putAll(this.transport.describe());
		return description;
	}

}
