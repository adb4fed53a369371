package io.execution.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The observation context of one call of an {@code @ExecutionClient} method, on the caller's
 * side. The tracer writes the call's trace context into the carrier, which travels with the call
 * (in the envelope, and as HTTP headers in http mode).
 */
public final class ExecutionClientContext extends SenderContext<Map<String, String>> {

	private final String invocationId;

	private final String service;

	private final String method;

	private final String endpoint;

	private final String mode;

	private final boolean streaming;

	private String outcome = "unknown";

	/**
	 * Makes the context.
	 * @param carrier where the trace context is written
	 * @param invocationId the call's invocation id
	 * @param service the service name
	 * @param method the method name
	 * @param endpoint the endpoint the call goes to
	 * @param mode the endpoint's mode
	 * @param streaming whether the method returns a stream
	 */
	public ExecutionClientContext(Map<String, String> carrier, String invocationId, String service, String method,
			String endpoint, String mode, boolean streaming) {
		super((map, key, value) -> map.put(key, value), Kind.CLIENT);
		setCarrier(carrier);
		setRemoteServiceName(endpoint);
		this.invocationId = invocationId;
		this.service = service;
		this.method = method;
		this.endpoint = endpoint;
		this.mode = mode;
		this.streaming = streaming;
	}

	/** @return the call's invocation id */
	public String getInvocationId() {
		return this.invocationId;
	}

	/** @return the service name */
	public String getService() {
		return this.service;
	}

	/** @return the method name */
	public String getMethod() {
		return this.method;
	}

	/** @return the endpoint the call was sent to */
	public String getEndpoint() {
		return this.endpoint;
	}

	/** @return the endpoint's mode: local, http or queue */
	public String getMode() {
		return this.mode;
	}

	/** @return whether the method returns a stream */
	public boolean isStreaming() {
		return this.streaming;
	}

	/**
	 * The call's outcome, once it finished: success, service-exception, error, timeout, rejected
	 * or cancelled ({@code io.execution.core.CallOutcome}'s tags); {@code unknown} before.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets the outcome when the call finishes.
	 * @param outcome the outcome's tag
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
