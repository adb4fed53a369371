package io.execution.core;

import java.util.List;

/**
 * A service as callers reach it: its definition and the transport that carries its calls.
 *
 * @param definition the endpoint's settings
 * @param transport the transport of its mode
 * @param timeoutNanos the call timeout, in nanoseconds
 */
public record Endpoint(EndpointDefinition definition, Transport transport, long timeoutNanos) {

	public Endpoint(EndpointDefinition definition, Transport transport) {
		this(definition, transport, definition.timeout().toNanos());
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

}
