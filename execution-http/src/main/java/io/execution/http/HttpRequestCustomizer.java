package io.execution.http;

import java.net.http.HttpRequest;

/**
 * Adds to every request an http endpoint sends (calls, cancels, executions, streams, health
 * checks): headers, credentials for a security layer in front of the instances. A Spring bean of
 * this type is applied to every endpoint's requests, after the bearer token of
 * {@code execution.http.auth.token}.
 */
@FunctionalInterface
public interface HttpRequestCustomizer {

	/**
	 * Customizes one request.
	 * @param endpoint the endpoint's name
	 * @param request the request being built
	 */
	void customize(String endpoint, HttpRequest.Builder request);

}
