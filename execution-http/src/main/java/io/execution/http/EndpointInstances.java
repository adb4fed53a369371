package io.execution.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import io.execution.ExecutionException;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.github.resilience4j.retry.Retry;
import tools.jackson.databind.JsonNode;

/**
 * The instances of one http endpoint and how to reach them: what the endpoint's executions and
 * streams share with its calls.
 *
 * @param endpoint the endpoint name
 * @param client the shared HTTP client, for asynchronous exchanges
 * @param blockingClient the shared HTTP client for exchanges on the caller's thread
 * @param codec the envelope codec
 * @param settings the HTTP settings
 * @param instances the instances, as configured or discovered
 * @param balancer picks an instance
 * @param scheduler runs waits and deadlines
 * @param retry the endpoint's retry, which every kind of request's attempts ask
 */
record EndpointInstances(String endpoint, HttpClient client, HttpClient blockingClient, EnvelopeCodec codec,
		HttpSettings settings, Instances instances, LoadBalancer balancer, ScheduledExecutorService scheduler,
		Retry retry) {

	/**
	 * Adds the bearer token, when one is set, then what the application's request customizers
	 * add.
	 * @param request the request
	 * @return the request
	 */
	HttpRequest.Builder authorize(HttpRequest.Builder request) {
		if (this.settings.token() != null && !this.settings.token().isBlank()) {
			request.header("Authorization", "Bearer " + this.settings.token());
		}
		for (HttpRequestCustomizer customizer : this.settings.customizers()) {
			customizer.customize(this.endpoint, request);
		}
		return request;
	}

	/**
	 * A request to an instance: over HTTP/1.1 to a plain http URL whatever version the client
	 * prefers (HTTP/2 is negotiated over TLS only; no cleartext upgrade of calls with a body).
	 * @param uri the request's URI
	 * @return the request builder
	 */
	static HttpRequest.Builder newRequest(URI uri) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri);
		if ("http".equalsIgnoreCase(uri.getScheme())) {
			request.version(HttpClient.Version.HTTP_1_1);
		}
		return request;
	}

	/**
	 * Carries the call's trace context (what the tracer wrote for the envelope: W3C
	 * {@code traceparent} and the like) as HTTP headers too, so that the serving application's
	 * own HTTP observation joins the caller's trace. An entry no header can carry is left out.
	 * @param request the request
	 * @param trace the trace context
	 * @return the request
	 */
	static HttpRequest.Builder traced(HttpRequest.Builder request, Map<String, String> trace) {
		for (Map.Entry<String, String> entry : trace.entrySet()) {
			try {
				request.header(entry.getKey(), entry.getValue());
			}
			catch (IllegalArgumentException ex) {
				// A restricted or malformed header: the envelope still carries it.
			}
		}
		return request;
	}

	/**
	 * The caller's exception for an error an instance answered with: an envelope's error
	 * ({@code {"error":{"code":…,"type":…,"message":…}}}) or a route's 4xx/5xx body
	 * ({@code {"error":"code","message":…}}).
	 * @param body the JSON body
	 * @param fallback the message when the body says none
	 * @return the exception
	 */
	ExecutionException error(JsonNode body, String fallback) {
		JsonNode error = body.path("error");
		if (error.isObject()) {
			return ErrorCode.of(error.path("code").asString("internal-error"))
				.toException(error.path("type").asString(null), error.path("message").asString(fallback));
		}
		return ErrorCode.of(error.asString("internal-error")).toException(null, body.path("message").asString(fallback));
	}

	/**
	 * Reads a JSON body, or nothing when it is not JSON.
	 * @param body the body
	 * @return the tree, a missing node when unreadable
	 */
	JsonNode tree(byte[] body) {
		try {
			JsonNode node = this.codec.mapper().readTree(body);
			return (node != null) ? node : this.codec.mapper().missingNode();
		}
		catch (RuntimeException ex) {
			return this.codec.mapper().missingNode();
		}
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
