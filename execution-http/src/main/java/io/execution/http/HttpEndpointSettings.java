package io.execution.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;


/**
 * The settings of one http endpoint.
 *
 * @param urls the base URLs of its instances
 * @param loadBalancer how calls spread across them
 * @param maxAttempts the most attempts one call makes, the first included
 * @param initialBackoff the wait before the first retry; later waits grow exponentially, with jitter
 * @param sslBundle the SSL bundle its clients use, or {@code null} for the default
 * @param serviceId the service whose discovered instances serve it besides the URLs, or {@code null}
 */
public record HttpEndpointSettings(List<URI> urls, LoadBalancer.Strategy loadBalancer, int maxAttempts,
		Duration initialBackoff, String sslBundle, String serviceId) {
}
