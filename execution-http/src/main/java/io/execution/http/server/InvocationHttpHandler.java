package io.execution.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.execution.codec.Envelope;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.codec.MalformedEnvelopeException;
import io.execution.codec.RequestEnvelope;
import io.execution.codec.ResultEnvelope;
import io.execution.core.CallContext;
import io.execution.core.DeadlineWatch;
import io.execution.http.Gzip;
import io.execution.service.ServiceExecutor.Outcome;
import io.execution.service.ServiceExecutor;
import io.execution.worker.WorkerOperations;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Serves this application's services over HTTP: {@code POST {path}/v1/invocations} runs one
 * envelope (a streaming method's elements as NDJSON when the caller accepts
 * {@code application/x-ndjson}), {@code GET {path}/v1/capabilities} describes what is offered and
 * {@code GET {path}/v1/ping} answers at once. The token is checked
 * before the body is read, the body is read only up to the payload limit, the service and method
 * are resolved before any argument is bound, and a call is interrupted at its caller's deadline.
 * Every error is a JSON body with a stable code; no stack trace is ever sent.
 */
public final class InvocationHttpHandler {

	private static final Logger logger = LoggerFactory.getLogger(InvocationHttpHandler.class);

	/** Streamed results: one JSON value a line. */
	static final String NDJSON_VALUE = MediaType.APPLICATION_NDJSON_VALUE;

	private final ServiceExecutor executor;

	private final EnvelopeCodec codec;

	private final byte[] token;

	private final long payloadLimit;

	private final long compressionThreshold;

	private final Duration defaultTimeout;

	private final long maxTimeoutMillis;

	/** The invocations running here, by id, so that their caller can cancel them. */
	private final Map<String, FutureTask<Outcome>> running = new ConcurrentHashMap<>();

	private final ScheduledExecutorService watchdog;

	/** Interrupts the calls that outlive their deadline (a look every 10 ms, no timer task a call). */
	private final DeadlineWatch deadlines;

	private final WorkerOperations operations;

	/**
	 * Makes the handler.
	 * @param executor runs envelopes
	 * @param token the bearer token required, or {@code null} for none
	 * @param payloadLimit the largest request body accepted, in bytes (after decompression)
	 * @param compressionThreshold responses larger than this are gzip-compressed when accepted
	 * @param defaultTimeout the deadline of a request that brings none
	 * @param maxTimeout the longest deadline a request may ask for; longer ones are cut to it
	 * @param watchdog interrupts calls at their deadline
	 * @param operations answers ping and capabilities
	 */
	public InvocationHttpHandler(ServiceExecutor executor, String token, long payloadLimit, long compressionThreshold,
			Duration defaultTimeout, Duration maxTimeout, ScheduledExecutorService watchdog,
			WorkerOperations operations) {
		this.maxTimeoutMillis = maxTimeout.toMillis();
		this.executor = executor;
		this.codec = executor.codec();
		this.token = (token != null && !token.isEmpty()) ? ("Bearer " + token).getBytes(StandardCharsets.UTF_8)
				: null;
		this.payloadLimit = payloadLimit;
		this.compressionThreshold = compressionThreshold;
		this.defaultTimeout = defaultTimeout;
		this.watchdog = watchdog;
		this.deadlines = new DeadlineWatch(watchdog);
		this.operations = operations;
	}

	/**
	 * Runs one invocation envelope.
	 * @param request the request
	 * @return the result envelope (200, also when the service threw) or a JSON error (4xx/5xx)
	 */
	public Answer invoke(RouteRequest request) {
		HttpServletRequest servlet = request.servletRequest();
		Received received = receive(servlet);
		if (received.refusal() != null) {
			return received.refusal();
		}
		RequestEnvelope envelope = received.envelope();
		long timeoutNanos = timeoutNanos(envelope);
		if (acceptsNdjson(servlet)) {
			ServiceExecutor.Opened opened = this.executor.open(envelope, System.nanoTime() + timeoutNanos);
			if (opened.stream() != null) {
				return stream(envelope, opened.stream(), System.nanoTime() + timeoutNanos);
			}
			if (opened.error() != null) {
				return answer(envelope, opened.error(), servlet);
			}
		}
		Outcome outcome;
		CallContext context = CallContext.enter(envelope.id(), envelope.service(), "http-server");
		try {
			outcome = runUntilDeadline(envelope, System.nanoTime() + timeoutNanos);
		}
		finally {
			context.exit();
		}
		return answer(envelope, outcome, servlet);
	}

	private Answer answer(RequestEnvelope envelope, Outcome outcome, HttpServletRequest servlet) {
		if (outcome.body().length > this.payloadLimit) {
			// Held to the same limit as requests: the caller's side would refuse it after the method ran.
			return error(ErrorCode.PAYLOAD_TOO_LARGE, envelope.id(), "The answer of " + envelope.service() + "."
					+ envelope.method() + " is " + outcome.body().length + " bytes, larger than the payload limit of "
					+ this.payloadLimit + " bytes (execution.http.payload-limit)");
		}
		if (outcome.ok() || outcome.error() == ErrorCode.SERVICE_EXCEPTION) {
			return json(200, outcome.body(), acceptsGzip(servlet));
		}
		ResultEnvelope.Error error = this.codec.decodeResult(outcome.body()).error();
		return error(error.code(), envelope.id(), error.message());
	}

	/**
	 * Answers a streaming method's elements as NDJSON, one {@code {"item":…}} line each, flushed as
	 * they are produced, then a last line: the end with the count, or the error. The elements are
	 * pulled as the connection takes them (TCP is the back-pressure); a caller that goes away, or the
	 * deadline passing, closes the stream and so stops the producer.
	 */
	private Answer stream(RequestEnvelope envelope, Stream<?> elements, long deadlineNanos) {
		String id = envelope.id();
		return (response) -> {
			response.setStatus(200);
			response.setContentType(NDJSON_VALUE);
			OutputStream out = response.getOutputStream();
			long count = 0;
			// A producer that blocks past the deadline is interrupted, as a call's method would be.
			Thread producer = Thread.currentThread();
			ScheduledFuture<?> deadline = this.watchdog.schedule(producer::interrupt,
					Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
			try (Stream<?> open = elements) {
				Iterator<?> iterator = open.iterator();
				while (iterator.hasNext() && deadlineNanos - System.nanoTime() > 0) {
					out.write(this.codec.encodeItem(iterator.next()));
					out.flush();
					count++;
				}
				out.write((deadlineNanos - System.nanoTime() > 0) ? this.codec.encodeEnd(id, count)
						: line(deadlineExceeded(envelope, count)));
			}
			catch (IOException ex) {
				logger.debug("Stream of {}.{} [{}] stopped after {} elements: the caller went away ({})",
						envelope.service(), envelope.method(), id, count, ex.toString());
			}
			catch (RuntimeException ex) {
				deadline.cancel(false);
				Thread.interrupted();
				byte[] last = (deadlineNanos - System.nanoTime() <= 0) ? deadlineExceeded(envelope, count)
						: this.codec.encodeError(id, ErrorCode.SERVICE_EXCEPTION, ex.getClass().getName(),
								ex.getMessage());
				logger.debug("Stream of {}.{} [{}] ended after {} elements", envelope.service(), envelope.method(), id,
						count, ex);
				try {
					out.write(line(last));
				}
				catch (IOException gone) {
					logger.debug("Stream of {}.{} [{}]: its last line could not be sent ({})", envelope.service(),
							envelope.method(), id, gone.toString());
				}
			}
			finally {
				deadline.cancel(false);
				// The deadline's interrupt may land after the stream ended: it must not reach the next request.
				Thread.interrupted();
			}
		};
	}

	private byte[] deadlineExceeded(RequestEnvelope envelope, long count) {
		return this.codec.encodeError(envelope.id(), ErrorCode.DEADLINE_EXCEEDED, null, "Stream of "
				+ envelope.service() + "." + envelope.method() + " [" + envelope.id()
				+ "] did not complete within its deadline after " + count + " elements");
	}

	private static byte[] line(byte[] json) {
		byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
		line[json.length] = '\n';
		return line;
	}

	static boolean acceptsNdjson(HttpServletRequest servlet) {
		String accept = servlet.getHeader(HttpHeaders.ACCEPT);
		return accept != null && accept.contains(NDJSON_VALUE);
	}

	/**
	 * The codec envelopes are read and written with.
	 * @return the codec
	 */
	EnvelopeCodec codec() {
		return this.codec;
	}

	/**
	 * The deadline of a request that brings none.
	 * @return the default timeout
	 */
	Duration defaultTimeout() {
		return this.defaultTimeout;
	}

	/**
	 * Describes the services, methods, tags, worker pools and limits of this application: what
	 * {@link WorkerOperations#capabilities()} answers, with the wire format version.
	 * @param request the request
	 * @return the capabilities
	 */
	public Answer capabilities(RouteRequest request) {
		if (!authorized(request.servletRequest())) {
			return unauthorized();
		}
		Map<String, Object> capabilities = new LinkedHashMap<>();
		capabilities.put("v", EnvelopeCodec.VERSION);
		capabilities.putAll(this.codec.mapper().convertValue(this.operations.capabilities(), Map.class));
		return json(200, this.codec.mapper().writeValueAsBytes(capabilities), acceptsGzip(request.servletRequest()));
	}

	/**
	 * Answers at once, with this process's name, clock and version.
	 * @param request the request
	 * @return the pong
	 */
	public Answer ping(RouteRequest request) {
		if (!authorized(request.servletRequest())) {
			return unauthorized();
		}
		Map<String, Object> pong = new LinkedHashMap<>();
		pong.put("v", EnvelopeCodec.VERSION);
		pong.putAll(this.codec.mapper().convertValue(this.operations.ping(), Map.class));
		return json(200, this.codec.mapper().writeValueAsBytes(pong), false);
	}

	/**
	 * The time a request may take: what it asks for ({@code timeoutMs}), else the default, and
	 * never more than {@code execution.http.server.max-timeout}.
	 * @param envelope the request
	 * @return the time in nanoseconds
	 */
	long timeoutNanos(RequestEnvelope envelope) {
		long millis = (envelope.timeoutMs() != null) ? envelope.timeoutMs() : this.defaultTimeout.toMillis();
		return TimeUnit.MILLISECONDS.toNanos(Math.min(millis, this.maxTimeoutMillis));
	}

	/**
	 * Cancels an invocation running here, at its caller's request (the caller cancelled its
	 * future or was interrupted): the method's thread is interrupted and the call answers
	 * {@code cancelled}.
	 * @param request the request, {@code DELETE {path}/v1/invocations/{id}}
	 * @return 202 when it was running here; 404 {@code unknown-invocation} otherwise
	 */
	public Answer cancel(RouteRequest request) {
		if (!authorized(request.servletRequest())) {
			return unauthorized();
		}
		String id = request.pathVariable("id");
		FutureTask<Outcome> task = this.running.get(id);
		if (task == null || !task.cancel(true)) {
			return error(ErrorCode.UNKNOWN_INVOCATION, id, "Invocation " + id + " is not running here");
		}
		logger.debug("Invocation [{}] cancelled by its caller", id);
		return Answer.json(202,
				this.codec.mapper().writeValueAsBytes(Map.of("v", EnvelopeCodec.VERSION, "id", id, "cancelled", true)));
	}

	private Outcome runUntilDeadline(RequestEnvelope envelope, long deadlineNanos) {
		FutureTask<Outcome> task = new FutureTask<>(() -> this.executor.execute(envelope, deadlineNanos));
		DeadlineWatch.Watched deadline = this.deadlines.watch(deadlineNanos, () -> task.cancel(true));
		String id = envelope.id();
		boolean tracked = id != null && this.running.putIfAbsent(id, task) == null;
		try {
			task.run();
		}
		finally {
			if (tracked) {
				this.running.remove(id, task);
			}
			deadline.close();
			// The deadline's interrupt may land after the call returned: it must not reach the next request.
			Thread.interrupted();
		}
		if (task.isCancelled()) {
			boolean late = deadlineNanos - System.nanoTime() <= 0;
			return this.executor.error(id, late ? ErrorCode.DEADLINE_EXCEEDED : ErrorCode.CANCELLED, null,
					"Call " + envelope.service() + "." + envelope.method() + " [" + id + "] was interrupted "
							+ (late ? "at its deadline" : "at its caller's request"));
		}
		try {
			return task.get();
		}
		catch (Exception ex) {
			logger.warn("Call {}.{} [{}] failed inside the server", envelope.service(), envelope.method(), envelope.id(),
					ex);
			return this.executor.error(envelope.id(), ErrorCode.INTERNAL, null, "The server failed to run the call");
		}
	}

	/**
	 * Reads a request's envelope: the token is checked before the body is read, and the body is
	 * read only up to the payload limit.
	 * @param servlet the request
	 * @return the envelope, its arguments bound for this side's service method when that could be
	 * done as it was read, or the answer that refuses the request
	 */
	Received receive(HttpServletRequest servlet) {
		return receive(servlet, true);
	}

	/**
	 * Reads a request's envelope: the token is checked before the body is read, and the body is
	 * read only up to the payload limit.
	 * @param servlet the request
	 * @param bind whether to bind the arguments for this side's service method as the envelope is
	 * read; {@code false} keeps them as JSON, for whoever binds them to other types
	 * @return the envelope, or the answer that refuses the request
	 */
	Received receive(HttpServletRequest servlet, boolean bind) {
		if (!authorized(servlet)) {
			return new Received(null, unauthorized());
		}
		long length = servlet.getContentLengthLong();
		if (length > this.payloadLimit) {
			return new Received(null, tooLarge(length));
		}
		byte[] body;
		try {
			body = readBody(servlet);
		}
		catch (IOException ex) {
			return new Received(null,
					error(ErrorCode.MALFORMED_REQUEST, null, "Body could not be read: " + ex.getMessage()));
		}
		if (body == null) {
			return new Received(null, tooLarge(-1));
		}
		try {
			return new Received(bind ? this.executor.decode(Envelope.of(body)) : this.codec.decodeRequest(body), null);
		}
		catch (MalformedEnvelopeException ex) {
			return new Received(null, error(ErrorCode.MALFORMED_REQUEST, null, ex.getMessage()));
		}
	}

	/**
	 * A request's envelope, or the answer that refuses it (token, size, unreadable or malformed
	 * body).
	 *
	 * @param envelope the envelope, or {@code null}
	 * @param refusal the answer, or {@code null}
	 */
	record Received(RequestEnvelope envelope, Answer refusal) {
	}

	private byte[] readBody(HttpServletRequest servlet) throws IOException {
		InputStream in = servlet.getInputStream();
		if ("gzip".equalsIgnoreCase(servlet.getHeader(HttpHeaders.CONTENT_ENCODING))) {
			return Gzip.decompress(in, this.payloadLimit);
		}
		return Gzip.Bodies.read(in, this.payloadLimit);
	}

	/**
	 * Whether a request carries the bearer token, when one is required.
	 * @param servlet the request
	 * @return whether it may use the routes
	 */
	public boolean authorized(HttpServletRequest servlet) {
		if (this.token == null) {
			return true;
		}
		String header = servlet.getHeader(HttpHeaders.AUTHORIZATION);
		byte[] given = (header != null) ? header.getBytes(StandardCharsets.UTF_8) : new byte[0];
		return MessageDigest.isEqual(this.token, given);
	}

	/**
	 * The answer to a request without the token, also for a filter in front of the routes (Spring
	 * Security's) to answer as the routes do.
	 * @return a 401 naming the property
	 */
	public Answer unauthorized() {
		return Answer.json(401, unauthorizedBody()).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
	}

	/** The body of the answer to a request without the token: the JSON error naming the property. */
	private byte[] unauthorizedBody() {
		return errorBody(ErrorCode.UNAUTHORIZED, null,
				"Missing or wrong bearer token (the server requires execution.http.auth.token)");
	}

	Answer tooLarge(long length) {
		return error(ErrorCode.PAYLOAD_TOO_LARGE, null, "Body " + ((length >= 0) ? "of " + length + " bytes " : "")
				+ "is larger than the payload limit of " + this.payloadLimit + " bytes (execution.http.payload-limit)");
	}

	/**
	 * An error answer, as every route writes them.
	 * @param code the error
	 * @param id the invocation or execution id, or {@code null}
	 * @param message what went wrong and how to fix it
	 * @return the answer
	 */
	public Answer error(ErrorCode code, String id, String message) {
		return Answer.json(code.httpStatus(), errorBody(code, id, message));
	}

	private byte[] errorBody(ErrorCode code, String id, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", code.httpStatus());
		body.put("error", code.code());
		body.put("message", message);
		if (id != null) {
			body.put("id", id);
		}
		return this.codec.mapper().writeValueAsBytes(body);
	}

	/**
	 * A JSON answer, written with the routes' own mapper.
	 * @param status the status
	 * @param body what to write
	 * @return the answer
	 */
	public Answer json(int status, Object body) {
		return json(status, this.codec.mapper().writeValueAsBytes(body), false);
	}

	Answer json(int status, byte[] body, boolean gzip) {
		if (gzip && body.length > this.compressionThreshold) {
			return Answer.json(status, Gzip.compress(body)).header(HttpHeaders.CONTENT_ENCODING, "gzip");
		}
		return Answer.json(status, body);
	}

	static boolean acceptsGzip(HttpServletRequest servlet) {
		String accept = servlet.getHeader(HttpHeaders.ACCEPT_ENCODING);
		return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip");
	}

}
