package io.execution.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.execution.ExecutionException;
import io.execution.codec.EnvelopeCodec;
import io.execution.resilience.Instance;
import io.execution.resilience.LoadBalancer;

/**
 * The instances of one http endpoint and how to reach them: what the endpoint's executions and
 * streams share with its calls.
 *
 * @param endpoint the endpoint name
 * @param client the shared HTTP client, for asynchronous exchanges
 * @param blockingClient the shared HTTP client for exchanges on the caller's thread
 * @param codec the envelope codec
 * @param settings the HTTP settings
 * @param instances the instances, one per URL
 * @param balancer picks an instance
 * @param scheduler runs waits and deadlines
 */
record EndpointInstances(String endpoint, HttpClient client, HttpClient blockingClient, EnvelopeCodec codec,
		HttpSettings settings, List<Instance> instances, LoadBalancer balancer, ScheduledExecutorService scheduler) {

	/**
	 * Adds the bearer token, when one is set.
	 * @param request the request
	 * @return the request
	 */
	HttpRequest.Builder authorize(HttpRequest.Builder request) {
		if (this.settings.token() != null) {
			request.header("Authorization", "Bearer " + this.settings.token());
		}
		return request;
	}

	/**
	 * A response's body, inflated when it was compressed, within the payload limit.
	 * @param response the response
	 * @return the body
	 */
	byte[] body(HttpResponse<byte[]> response) {
		byte[] body = response.body();
		if (!"gzip".equalsIgnoreCase(response.headers().firstValue("Content-Encoding").orElse(""))) {
			return body;
		}
		byte[] inflated;
		try {
			inflated = Gzip.decompress(new ByteArrayInputStream(body), this.settings.payloadLimit());
		}
		catch (IOException ex) {
			throw new ExecutionException("Unreadable compressed body: " + ex.getMessage(), ex);
		}
		if (inflated == null) {
			throw new ExecutionException("Compressed body inflates past execution.http.payload-limit");
		}
		return inflated;
	}

}
