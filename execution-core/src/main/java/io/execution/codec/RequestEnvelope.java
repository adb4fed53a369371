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
 * @param args the positional arguments, still JSON until bound to the declared parameter types;
 * empty when {@code bound} holds them already
 * @param timeoutMs the time the sender had left, in milliseconds; {@code null} for none
 * @param chain the endpoints the call passed through, for cycle detection
 * @param trace the caller's trace context (W3C {@code traceparent} and the like), possibly empty
 * @param execution whether the call is an execution whose record the side that runs it keeps
 * up to date (status, worker, progress, outcome)
 * @param stream whether the caller takes a streaming method's elements in chunks as they are
 * produced (queues); otherwise they are answered all at once
 * @param bound the arguments already bound while the envelope was read, or {@code null} when they
 * are in {@code args} as JSON
 * @param boundFor the argument types they were bound to (see
 * {@link EnvelopeCodec#decodeRequest(byte[], ArgumentTypes)}), or {@code null}
 * @param retries how the call runs again when the service throws, or {@code null} for never
 * @param inJvm whether it came as tokens from a caller in this JVM ({@link Envelope}), which then
 * gets its answer as tokens too
 */
public record RequestEnvelope(String id, String service, String method, List<JsonNode> args, Long timeoutMs,
		List<String> chain, Map<String, String> trace, boolean execution, boolean stream, Object[] bound,
		ArgumentTypes.Arguments boundFor, io.execution.core.RetryPolicy.Retries retries, boolean inJvm) {

	public RequestEnvelope(String id, String service, String method, List<JsonNode> args, Long timeoutMs,
			List<String> chain, Map<String, String> trace, boolean execution, boolean stream) {
		this(id, service, method, args, timeoutMs, chain, trace, execution, stream, null, null, null, false);
	}

	public RequestEnvelope(String id, String service, String method, List<JsonNode> args, Long timeoutMs,
			List<String> chain, Map<String, String> trace) {
		this(id, service, method, args, timeoutMs, chain, trace, false, false);
	}

	/**
	 * This request, as one that came from a caller in this JVM.
	 * @return the request, answered as tokens
	 */
	RequestEnvelope fromThisJvm() {
		return new RequestEnvelope(this.id, this.service, this.method, this.args, this.timeoutMs, this.chain, this.trace,
				this.execution, this.stream, this.bound, this.boundFor, this.retries, true);
	}

	/**
	 * The arity used to find the method among overloads.
	 * @return the number of arguments
	 */
	public int arity() {
		return (this.bound != null) ? this.bound.length : this.args.size();
	}

	/**
	 * The arguments bound while the envelope was read, if they were bound to these types.
	 * @param types the method's argument types
	 * @return the arguments, or {@code null} when they are still to be bound from {@code args}
	 */
	public Object[] boundTo(ArgumentTypes.Arguments types) {
		return (this.bound != null && this.boundFor == types) ? this.bound : null;
	}

}
