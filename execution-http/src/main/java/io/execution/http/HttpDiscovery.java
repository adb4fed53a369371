package io.execution.http;

import java.net.URI;
import java.util.List;

/**
 * Finds the instances of a service for http endpoints that name a {@code service-id} instead
 * of (or besides) URLs. The Spring Boot starter provides one over Spring Cloud's
 * {@code DiscoveryClient} and one over the worker registry.
 */
public interface HttpDiscovery {

	/**
	 * The base URLs of the service's instances now.
	 * @param serviceId the service
	 * @return the URLs, empty when none is known
	 */
	List<URI> instances(String serviceId);

	/**
	 * What this source is, as a user would look for it in an error message.
	 * @return the description
	 */
	String describe();

}
