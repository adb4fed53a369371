package io.execution.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The observation context of one invocation served by this application (a queue worker, the
 * HTTP server or the local transport). The tracer reads the caller's trace context from the
 * carrier, so that the invocation joins the caller's trace.
 */
public final class ExecutionServerContext extends ReceiverContext<Map<String, String>> {

	private final String invocationId;

	private final String service;

	private final String method;

	private String outcome = "unknown";

	/**
	 * Makes the context.
	 * @param carrier the trace context the caller sent
	 * @param invocationId the invocation id
	 * @param service the service name
	 * @param method the method name
	 */
	public ExecutionServerContext(Map<String, String> carrier, String invocationId, String service, String method) {
		super((map, key) -> map.get(key), Kind.SERVER);
		setCarrier(carrier);
		this.invocationId = invocationId;
		this.service = service;
		this.method = method;
	}

	/** @return the invocation id */
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

	/**
	 * The invocation's outcome once it finished: success, service-exception, timeout or
	 * cancelled; {@code unknown} before.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets the outcome when the invocation finishes.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
