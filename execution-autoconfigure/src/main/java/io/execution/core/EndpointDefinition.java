package io.execution.core;

import java.time.Duration;

/**
 * The settings every endpoint has, whatever its mode. Mode-specific settings (a queue name,
 * URLs) are read by the mode's own {@link TransportFactory}.
 *
 * @param name the endpoint's name: the service name it serves
 * @param mode the mode, such as {@code local}, {@code http} or {@code queue}
 * @param timeout the deadline of one call, end to end
 */
public record EndpointDefinition(String name, String mode, Duration timeout) {
}
