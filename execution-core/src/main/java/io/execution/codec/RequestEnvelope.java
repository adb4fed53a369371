package io.execution.codec;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * An invocation as it travels: over HTTP, on the queues. Version 1 of the wire format.
 *
 * @param id the invocation id ({@code null} when a client such as curl sends none)
 * @param service the service name
 * @param method the method name
 * @param args the positional arguments, still JSON until bound to the declared parameter types
 * @param timeoutMs the time the sender had left, in milliseconds; {@code null} for none
 * @param chain the endpoints the call passed through, for cycle detection
 * @param trace the caller's trace context (W3C {@code traceparent} and the like), possibly empty
 * @param execution whether the call is an execution whose record the side that runs it keeps
 * up to date (status, worker, progress, outcome)
 * @param stream whether the caller takes a streaming method's elements in chunks as they are
 * produced (queues); otherwise they are answered all at once
 */
public record RequestEnvelope(String id, String service, String method, List<JsonNode> args, Long timeoutMs,
		List<String> chain, Map<String, String> trace, boolean execution, boolean stream) {

	public RequestEnvelope(String id, String service, String method, List<JsonNode> args, Long timeoutMs,
			List<String> chain, Map<String, String> trace) {
		this(id, service, method, args, timeoutMs, chain, trace, false, false);
	}

	/**
	 * The arity used to find the method among overloads.
	 * @return the number of arguments
	 */
	public int arity() {
		return this.args.size();
	}

}
