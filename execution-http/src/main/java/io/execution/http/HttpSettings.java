package io.execution.http;

import java.time.Duration;

/**
 * What every http endpoint of an application shares.
 *
 * @param token the bearer token sent, or {@code null}
 * @param compressionThreshold bodies larger than this many bytes are gzip-compressed
 * @param payloadLimit the largest body accepted, in bytes
 * @param healthPath path, below an instance's base URL, of its health check
 * @param healthCheckInterval time between health checks; zero to switch them off
 * @param healthCheckTimeout how long a health check may take
 */
public record HttpSettings(String token, long compressionThreshold, long payloadLimit, String healthPath,
		Duration healthCheckInterval, Duration healthCheckTimeout) {
}
