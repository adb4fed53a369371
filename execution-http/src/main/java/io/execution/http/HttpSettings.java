package io.execution.http;

import java.time.Duration;
import java.util.List;

/**
 * What every http endpoint of an application shares.
 *
 * @param token the bearer token sent, or {@code null}
 * @param compressionThreshold bodies larger than this many bytes are gzip-compressed
 * @param payloadLimit the largest body accepted, in bytes
 * @param healthPath path, below an instance's base URL, of its health check
 * @param healthCheckInterval time between health checks; zero to switch them off
 * @param healthCheckTimeout how long a health check may take
 * @param customizers add to every request (headers, credentials), after the token
 */
public record HttpSettings(String token, long compressionThreshold, long payloadLimit, String healthPath,
		Duration healthCheckInterval, Duration healthCheckTimeout, List<HttpRequestCustomizer> customizers) {

	/**
	 * The settings, with no request customizer.
	 * @param token the bearer token, or {@code null}
	 * @param compressionThreshold bodies larger than this are compressed
	 * @param payloadLimit the largest body either way
	 * @param healthPath the health check's path under an instance's URL
	 * @param healthCheckInterval how often instances are checked; zero for never
	 * @param healthCheckTimeout one check's timeout
	 */
	public HttpSettings(String token, long compressionThreshold, long payloadLimit, String healthPath,
			Duration healthCheckInterval, Duration healthCheckTimeout) {
		this(token, compressionThreshold, payloadLimit, healthPath, healthCheckInterval, healthCheckTimeout, List.of());
	}

}
