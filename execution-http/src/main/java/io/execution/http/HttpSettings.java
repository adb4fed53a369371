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
 * @param syncClient which client carries synchronous calls
 */
public record HttpSettings(String token, long compressionThreshold, long payloadLimit, String healthPath,
		Duration healthCheckInterval, Duration healthCheckTimeout, List<HttpRequestCustomizer> customizers,
		SyncClient syncClient) {

	/**
	 * The settings, synchronous calls on Apache HttpClient 5 when it is on the classpath.
	 * @param token the bearer token, or {@code null}
	 * @param compressionThreshold bodies larger than this are compressed
	 * @param payloadLimit the largest body either way
	 * @param healthPath the health check's path under an instance's URL
	 * @param healthCheckInterval how often instances are checked; zero for never
	 * @param healthCheckTimeout one check's timeout
	 * @param customizers add to every request, after the token
	 */
	public HttpSettings(String token, long compressionThreshold, long payloadLimit, String healthPath,
			Duration healthCheckInterval, Duration healthCheckTimeout, List<HttpRequestCustomizer> customizers) {
		this(token, compressionThreshold, payloadLimit, healthPath, healthCheckInterval, healthCheckTimeout,
				customizers, SyncClient.AUTO);
	}

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

	/**
	 * Which client carries synchronous calls (futures, executions, streams and health checks
	 * always go over the JDK client).
	 */
	public enum SyncClient {

		/**
		 * Apache HttpClient 5 ({@code org.apache.httpcomponents.client5:httpclient5}) when it is on
		 * the classpath and the endpoint speaks HTTP/1.1 with no authenticator set by an
		 * {@link HttpClientCustomizer}; else the JDK client.
		 */
		AUTO,

		/** The JDK client, always. */
		JDK

	}

}
