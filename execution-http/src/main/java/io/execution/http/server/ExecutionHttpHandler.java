package io.execution.http.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execution.ExecutionRejectedException;
import io.execution.ServiceNotFoundException;
import io.execution.async.DefaultExecutions;
import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.client.ExecutionClientFactory;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.codec.MalformedEnvelopeException;
import io.execution.codec.RequestEnvelope;
import io.execution.core.CallChain;
import io.execution.core.ClientMethod;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;

/**
 * The executions routes: {@code POST {path}/v1/executions} starts one (on the service's
 * endpoint, in whatever mode this application configures for it) and answers 202 with its id
 * and status URL at once; {@code GET {path}/v1/executions/{id}} answers its record, waiting up to
 * {@code ?wait=} milliseconds for it to change past {@code ?version=} (default: the current one)
 * or finish; {@code DELETE} cancels it. Same token, limits and
 * error bodies as the invocations route.
 */
public final class ExecutionHttpHandler {

	/** The longest a status request may wait for an execution to finish. */
	static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private final InvocationHttpHandler http;

	private final DefaultExecutions executions;

	private final ExecutionClientFactory methods;

	private final String path;

	/**
	 * Makes the handler.
	 * @param http the invocations handler, whose token, limits and error bodies it shares
	 * @param executions starts and finds executions
	 * @param methods finds the method an envelope names
	 * @param path the base path of the routes
	 */
	public ExecutionHttpHandler(InvocationHttpHandler http, DefaultExecutions executions,
			ExecutionClientFactory methods, String path) {
		this.http = http;
		this.executions = executions;
		this.methods = methods;
		this.path = path;
	}

	/**
	 * Starts an execution from an invocation envelope.
	 * @param request the request
	 * @return 202 with the record and a {@code Location}, or a JSON error
	 */
	public Answer start(RouteRequest request) {
		// Its arguments are bound to the client method's types below, so kept as JSON here.
		InvocationHttpHandler.Received received = this.http.receive(request.servletRequest(), false);
		if (received.refusal() != null) {
			return received.refusal();
		}
		RequestEnvelope envelope = received.envelope();
		ClientMethod method;
		Object[] args;
		try {
			method = this.methods.method(envelope.service(), envelope.method(), envelope.arity());
			args = bind(method, envelope.args());
		}
		catch (MalformedEnvelopeException ex) {
			return this.http.error(ErrorCode.MALFORMED_REQUEST, null, ex.getMessage());
		}
		catch (ServiceNotFoundException ex) {
			return this.http.error(ErrorCode.UNKNOWN_SERVICE, null, ex.getMessage());
		}
		if (envelope.timeoutMs() != null && envelope.timeoutMs() <= 0) {
			return this.http.error(ErrorCode.DEADLINE_EXCEEDED, envelope.id(), "Execution of " + envelope.service() + "."
					+ envelope.method() + " was not started: its deadline had passed (timeoutMs " + envelope.timeoutMs()
					+ ")");
		}
		Duration timeout = (envelope.timeoutMs() != null) ? Duration.ofNanos(this.http.timeoutNanos(envelope)) : null;
		Execution<Object> execution;
		// The chain ends with the caller's endpoint, the hop that reached this instance; starting the
		// execution here through this application's endpoint of the service continues that same hop.
		List<String> chain = envelope.chain();
		CallChain.Serving previous = CallChain.enter(chain.isEmpty() ? chain : chain.subList(0, chain.size() - 1));
		try {
			execution = this.executions.start(method, args, timeout);
		}
		catch (ServiceNotFoundException ex) {
			return this.http.error(ErrorCode.UNKNOWN_SERVICE, null, ex.getMessage());
		}
		catch (ExecutionRejectedException ex) {
			return this.http.error(ErrorCode.REJECTED, null, ex.getMessage());
		}
		finally {
			CallChain.restore(previous);
		}
		String location = this.path + "/v1/executions/" + execution.id();
		Optional<ExecutionRecord> record = this.executions.lookup(execution.id());
		Map<String, Object> json = record.map(ExecutionRecord::toJson).orElseGet(() -> Map.of("id", execution.id()));
		return Answer.json(202, this.http.codec().mapper().writeValueAsBytes(json)).header(HttpHeaders.LOCATION, location);
	}

	/**
	 * Answers an execution's record, once finished or after {@code ?wait=} milliseconds.
	 * @param request the request
	 * @return 200 with the record, 404 for an unknown id
	 */
	public Answer status(RouteRequest request) {
		HttpServletRequest servlet = request.servletRequest();
		if (!this.http.authorized(servlet)) {
			return this.http.unauthorized();
		}
		String id = request.pathVariable("id");
		Duration wait;
		try {
			wait = request.param("wait").map(Long::parseLong).map(Duration::ofMillis).orElse(Duration.ZERO);
		}
		catch (NumberFormatException ex) {
			return this.http.error(ErrorCode.MALFORMED_REQUEST, id, "'wait' must be a whole number of milliseconds");
		}
		long version;
		try {
			version = request.param("version").map(Long::parseLong).orElse(-1L);
		}
		catch (NumberFormatException ex) {
			return this.http.error(ErrorCode.MALFORMED_REQUEST, id, "'version' must be a whole number");
		}
		if (wait.compareTo(MAX_WAIT) > 0) {
			wait = MAX_WAIT;
		}
		Optional<ExecutionRecord> record = wait.isNegative() || wait.isZero() ? this.executions.lookup(id)
				: this.executions.watch(id, version, wait);
		return record.map((found) -> record(200, found, servlet)).orElseGet(() -> unknown(id));
	}

	/**
	 * Cancels an execution.
	 * @param request the request
	 * @return 200 with the record, 404 for an unknown id, 409 when it finished already
	 */
	public Answer cancel(RouteRequest request) {
		HttpServletRequest servlet = request.servletRequest();
		if (!this.http.authorized(servlet)) {
			return this.http.unauthorized();
		}
		String id = request.pathVariable("id");
		Optional<ExecutionRecord> before = this.executions.lookup(id);
		if (before.isEmpty()) {
			return unknown(id);
		}
		boolean cancelled;
		try {
			cancelled = this.executions.cancel(id);
		}
		catch (ExecutionRejectedException ex) {
			return this.http.error(ErrorCode.NOT_CANCELLABLE, id, ex.getMessage());
		}
		ExecutionRecord after = this.executions.watch(id, before.get().version(), Duration.ofSeconds(1)).orElse(before.get());
		if (!cancelled) {
			return this.http.error(ErrorCode.NOT_CANCELLABLE, id,
					"Execution " + id + " has finished already: " + after.status());
		}
		return record(200, after, servlet);
	}

	private Answer record(int status, ExecutionRecord record, HttpServletRequest servlet) {
		return this.http.json(status, this.http.codec().mapper().writeValueAsBytes(record.toJson()),
				InvocationHttpHandler.acceptsGzip(servlet));
	}

	private Answer unknown(String id) {
		return this.http.error(ErrorCode.UNKNOWN_EXECUTION, id, "No execution '" + id
				+ "': it was never started here or its record expired (execution.executions.retention)");
	}

	private Object[] bind(ClientMethod method, List<JsonNode> values) {
		return EnvelopeCodec.bindArguments(values, method.parameterTypes(),
				(i) -> this.http.codec().mapper().readerFor(method.parameterTypes()[i]), method.toString());
	}

}
