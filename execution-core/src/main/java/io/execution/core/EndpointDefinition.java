package io.execution.core;

import java.time.Duration;
import java.util.List;

/**
 * The settings every endpoint has, whatever its mode. Mode-specific settings (a queue name,
 * URLs) are read by the mode's own {@link TransportFactory}.
 *
 * @param name the endpoint's name: the service name it serves, or another name for an endpoint
 * used as a fallback
 * @param mode the mode, such as {@code local}, {@code http} or {@code queue}
 * @param timeout the deadline of one call, end to end
 * @param fallbacks the endpoints tried, in order, when this one fails
 */
public record EndpointDefinition(String name, String mode, Duration timeout, List<String> fallbacks) {

	public EndpointDefinition(String name, String mode, Duration timeout) {
		this(name, mode, timeout, List.of());
	}

}
