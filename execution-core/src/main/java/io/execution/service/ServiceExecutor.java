package io.execution.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.execution.ServiceNotFoundException;
import io.execution.codec.Envelope;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.codec.MalformedEnvelopeException;
import io.execution.codec.RequestEnvelope;
import io.execution.core.CallChain;
import io.execution.core.CallStatistics;
import io.execution.core.ExecutionTimer;
import io.execution.core.Futures;
import io.execution.core.ResultStreams;
import io.execution.observation.DefaultExecutionServerObservationConvention;
import io.execution.observation.ExecutionServerContext;
import io.execution.observation.ExecutionServerObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs request envelopes against this application's services and answers with result
 * envelopes: what queue workers and the HTTP server do with each request. Never throws: every
 * outcome, including bad input, is an envelope.
 */
public final class ServiceExecutor {

	private static final Logger logger = LoggerFactory.getLogger(ServiceExecutor.class);

	private final ServiceRegistry registry;

	private final EnvelopeCodec codec;

	private final ObservationRegistry observations;

	private final CallStatistics statistics;

	private final ExecutionServerObservationConvention convention;

	/** Sends the chunks whose time has come; {@code null}: every element is sent at once. */
	private final ExecutionTimer timer;

	/** Where a chunk whose time came is sent from, off the timer's thread (a send may block). */
	private final java.util.concurrent.Executor chunkSender;

	private static final ExecutionServerObservationConvention DEFAULT_CONVENTION = new DefaultExecutionServerObservationConvention();

	/**
	 * Makes an executor.
	 * @param registry the services
	 * @param codec the envelope codec
	 */
	public ServiceExecutor(ServiceRegistry registry, EnvelopeCodec codec) {
		this(registry, codec, ObservationRegistry.NOOP);
	}

	/**
	 * Makes an executor that makes an observation of every execution, continuing the trace the
	 * request brings.
	 * @param registry the services
	 * @param codec the envelope codec
	 * @param observations the observation registry
	 */
	public ServiceExecutor(ServiceRegistry registry, EnvelopeCodec codec, ObservationRegistry observations) {
		this(registry, codec, observations, null);
	}

	/**
	 * Makes an executor that also counts the calls it serves, by service.
	 * @param registry the services
	 * @param codec the envelope codec
	 * @param observations the observation registry
	 * @param statistics where served calls are counted, or {@code null}
	 */
	public ServiceExecutor(ServiceRegistry registry, EnvelopeCodec codec, ObservationRegistry observations,
			CallStatistics statistics) {
		this(registry, codec, observations, statistics, null);
	}

	/**
	 * Makes an executor whose observations take the given convention.
	 * @param registry the services
	 * @param codec the envelope codec
	 * @param observations the observation registry
	 * @param statistics where served calls are counted, or {@code null}
	 * @param convention names and tags the observations; {@code null} for
	 * {@link DefaultExecutionServerObservationConvention}
	 */
	public ServiceExecutor(ServiceRegistry registry, EnvelopeCodec codec, ObservationRegistry observations,
			CallStatistics statistics, ExecutionServerObservationConvention convention) {
		this(registry, codec, observations, statistics, convention, null);
	}

	/**
	 * Makes an executor whose streamed results go in chunks sent on time by the given timer.
	 * @param registry the services
	 * @param codec the envelope codec
	 * @param observations the observation registry
	 * @param statistics where served calls are counted, or {@code null}
	 * @param convention names and tags the observations; {@code null} for the default
	 * @param timer sends a chunk {@value #CHUNK_MILLIS} ms after its first element came; {@code null}
	 * to send every element of a stream as it comes
	 */
	public ServiceExecutor(ServiceRegistry registry, EnvelopeCodec codec, ObservationRegistry observations,
			CallStatistics statistics, ExecutionServerObservationConvention convention, ExecutionTimer timer) {
		this.timer = timer;
		this.chunkSender = (timer != null) ? timer.pool("execution-stream-chunks") : null;
		this.convention = convention;
		this.registry = registry;
		this.codec = codec;
		this.observations = observations;
		this.statistics = statistics;
	}

	/** The trace context of the span current on this thread, when the application traces. */
	private volatile java.util.function.Supplier<Map<String, String>> currentTrace = Map::of;

	/**
	 * Nests the spans of calls served inside another observation (the HTTP server's, for a
	 * call over HTTP) under that observation's span, instead of beside it under the caller's:
	 * the supplier gives the current span's trace context as propagation headers.
	 * @param currentTrace the current span's context ({@code traceparent}…), empty when none
	 */
	public void nestUnder(java.util.function.Supplier<Map<String, String>> currentTrace) {
		this.currentTrace = currentTrace;
	}

	/**
	 * The codec envelopes are read and written with.
	 * @return the codec
	 */
	public EnvelopeCodec codec() {
		return this.codec;
	}

	/**
	 * Reads a request to run here: the arguments of a method known by its name alone are bound as
	 * the envelope is read; the others when it runs.
	 * @param body the request envelope, bytes or tokens
	 * @return the request
	 * @throws MalformedEnvelopeException when the body is not a valid envelope
	 */
	public RequestEnvelope decode(Envelope body) {
		return this.codec.decodeRequest(body, this.registry.argumentTypes());
	}

	/**
	 * Runs an encoded request.
	 * @param body the request envelope
	 * @param deadlineNanos the deadline on this JVM's {@link System#nanoTime()} clock, as the
	 * transport knows it
	 * @return the result envelope and its error code
	 */
	public Outcome execute(byte[] body, long deadlineNanos) {
		RequestEnvelope request;
		try {
			request = decode(Envelope.of(body));
		}
		catch (MalformedEnvelopeException ex) {
			return error(null, ErrorCode.MALFORMED_REQUEST, null, ex.getMessage());
		}
		return execute(request, deadlineNanos);
	}

	/**
	 * Runs a decoded request: resolves the method, binds the arguments to its declared
	 * parameter types, checks the deadline, calls it and writes its outcome.
	 * @param request the request
	 * @param deadlineNanos the deadline on this JVM's {@link System#nanoTime()} clock
	 * @return the result envelope and its error code
	 */
	public Outcome execute(RequestEnvelope request, long deadlineNanos) {
		long start = System.nanoTime();
		Outcome outcome = run(request, deadlineNanos);
		if (this.statistics != null) {
			// Counted under the registered name: its hash is computed once, not once per decoded envelope.
			ServiceDefinition served = this.registry.find(request.service());
			if (served != null) {
				this.statistics.served(served.name(), System.nanoTime() - start, outcome.outcome());
			}
		}
		return outcome;
	}

	private Outcome run(RequestEnvelope request, long deadlineNanos) {
		String id = request.id();
		ServiceMethod method;
		try {
			method = this.registry.method(request.service(), request.method(), request.arity());
		}
		catch (ServiceNotFoundException ex) {
			boolean known = this.registry.contains(request.service());
			return error(id, known ? ErrorCode.UNKNOWN_METHOD : ErrorCode.UNKNOWN_SERVICE, null,
					known ? ex.getMessage() : unknownService(request.service(), ex.getMessage()));
		}
		Object[] args;
		try {
			args = bind(method, request);
		}
		catch (MalformedEnvelopeException ex) {
			return error(id, ErrorCode.MALFORMED_REQUEST, null, ex.getMessage());
		}
		if (deadlineNanos - System.nanoTime() <= 0) {
			return error(id, ErrorCode.DEADLINE_EXCEEDED, null,
					"Call " + method + " [" + id + "] was not started: its deadline had passed");
		}
		Object result;
		CallChain.Serving previous = CallChain.enter(request.chain(), deadlineNanos);
		Observation observation = observe(request, method);
		Observation.Scope scope = (observation != null) ? observation.openScope() : null;
		Throwable failure = null;
		String outcome = "success";
		try {
			result = invoke(method, args, deadlineNanos);
		}
		catch (TimeoutException ex) {
			outcome = "timeout";
			return error(id, ErrorCode.DEADLINE_EXCEEDED, null,
					"Call " + method + " [" + id + "] did not complete within its deadline");
		}
		catch (CancellationException ex) {
			outcome = "cancelled";
			return error(id, ErrorCode.CANCELLED, null, "Call " + method + " [" + id + "] was cancelled");
		}
		catch (Throwable ex) {
			if (inheritedDeadline(ex, deadlineNanos)) {
				// A call the method made ran out of the deadline it inherited from this one: this call's deadline.
				outcome = "timeout";
				return error(id, ErrorCode.DEADLINE_EXCEEDED, null, "Call " + method + " [" + id
						+ "] did not complete within its deadline: " + ex.getMessage());
			}
			failure = ex;
			outcome = "service-exception";
			logger.debug("Service method {} [{}] threw", method, id, ex);
			Outcome thrown = error(id, ErrorCode.SERVICE_EXCEPTION, ex.getClass().getName(), ex.getMessage());
			return new Outcome(thrown.envelope(), thrown.error(), ex);
		}
		finally {
			CallChain.restore(previous);
			if (observation != null) {
				scope.close();
				stop(observation, failure, outcome);
			}
		}
		try {
			return request.inJvm() ? new Outcome(this.codec.encodeSuccessInJvm(id, result), null, null)
					: new Outcome(this.codec.encodeSuccess(id, result), null);
		}
		catch (JacksonException ex) {
			logger.warn("Result of {} [{}] cannot be written as JSON", method, id, ex);
			return error(id, ErrorCode.INTERNAL, null,
					"Result of " + method + " cannot be written as JSON: " + ex.getOriginalMessage());
		}
	}

	/** The services a request named that this application does not serve, each logged once. */
	private final java.util.Set<String> unknown = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/**
	 * Says where the call arrived and what this application serves instead, for the caller; and
	 * logs it here once per service, so that the worker's log shows the mistake too.
	 */
	private String unknownService(String service, String message) {
		String queue = org.slf4j.MDC.get(io.execution.core.CallContext.ENDPOINT);
		String mode = org.slf4j.MDC.get(io.execution.core.CallContext.MODE);
		String where = ("worker".equals(mode) && queue != null) ? " on queue '" + queue + "'" : "";
		List<String> served = this.registry.services().stream().map(ServiceDefinition::name)
			.filter((name) -> !name.equals("execution-worker"))
			.sorted()
			.toList();
		String said = message + where + ": the application that took it serves " + served;
		if (this.unknown.size() < 100 && this.unknown.add(service)) {
			logger.warn("A call for service '{}' arrived{}, which this application does not serve (it serves {}): the"
					+ " caller's endpoint points here by mistake", service, where, served);
		}
		return said;
	}

	/**
	 * Opens the stream of a streaming method for a request that asked for its elements one by
	 * one: resolves the method, binds the arguments and calls it. The elements are produced as
	 * the returned stream is read, on the reading thread; closing it stops the producer.
	 * @param request the request
	 * @param deadlineNanos the stream's deadline on this JVM's {@link System#nanoTime()} clock
	 * @return the stream, or the error outcome; both {@code null} when the method does not stream
	 */
	public Opened open(RequestEnvelope request, long deadlineNanos) {
		String id = request.id();
		ServiceMethod method;
		try {
			method = this.registry.method(request.service(), request.method(), request.arity());
		}
		catch (ServiceNotFoundException ex) {
			return new Opened(null, null);
		}
		if (!method.streaming()) {
			return new Opened(null, null);
		}
		Object[] args;
		try {
			args = bind(method, request);
		}
		catch (MalformedEnvelopeException ex) {
			return new Opened(null, error(id, ErrorCode.MALFORMED_REQUEST, null, ex.getMessage()));
		}
		CallChain.Serving previous = CallChain.enter(request.chain(), deadlineNanos);
		Observation observation = observe(request, method);
		Observation.Scope scope = (observation != null) ? observation.openScope() : null;
		try {
			Stream<?> elements = ResultStreams.open(method.invoke(args));
			return new Opened((observation != null) ? elements.onClose(() -> stop(observation, null, "success")) : elements,
					null);
		}
		catch (Throwable ex) {
			logger.debug("Service method {} [{}] threw", method, id, ex);
			if (observation != null) {
				stop(observation, ex, "service-exception");
			}
			return new Opened(null, error(id, ErrorCode.SERVICE_EXCEPTION, ex.getClass().getName(), ex.getMessage()));
		}
		finally {
			CallChain.restore(previous);
			if (scope != null) {
				scope.close();
			}
		}
	}

	/**
	 * Runs a request whose caller takes a streaming method's elements in chunks: sends each
	 * chunk as it fills (at most {@value #CHUNK_ELEMENTS} elements, or whatever came within
	 * {@value #CHUNK_MILLIS} ms of its first element) and answers with the end, or the error. A
	 * method that does not stream is run as {@link #execute(RequestEnvelope, long)}. Stops, closing
	 * the stream, when the thread is interrupted (cancel, deadline).
	 * @param request the request
	 * @param deadlineNanos the deadline on this JVM's {@link System#nanoTime()} clock
	 * @param chunks sends a chunk to the caller
	 * @return the final envelope and its error code
	 */
	public Outcome stream(RequestEnvelope request, long deadlineNanos, java.util.function.Consumer<byte[]> chunks) {
		return stream(request, deadlineNanos, chunks, Demand.NONE);
	}

	/**
	 * Runs a request whose caller takes a streaming method's elements in chunks, as
	 * {@link #stream(RequestEnvelope, long, java.util.function.Consumer)} does, starting no chunk
	 * before the caller asked for it: the producer waits, on its own thread, until then.
	 * @param request the request
	 * @param deadlineNanos the deadline on this JVM's {@link System#nanoTime()} clock
	 * @param chunks sends a chunk to the caller
	 * @param demand waits until the caller asked for a chunk
	 * @return the final envelope and its error code
	 */
	public Outcome stream(RequestEnvelope request, long deadlineNanos, java.util.function.Consumer<byte[]> chunks,
			Demand demand) {
		Opened opened = open(request, deadlineNanos);
		if (opened.error() != null) {
			return opened.error();
		}
		if (opened.stream() == null) {
			return execute(request, deadlineNanos);
		}
		String id = request.id();
		Chunks batch = new Chunks(chunks, demand);
		try (Stream<?> elements = opened.stream()) {
			java.util.Iterator<?> iterator = elements.iterator();
			while (iterator.hasNext()) {
				if (Thread.currentThread().isInterrupted()) {
					return error(id, ErrorCode.CANCELLED, null, "Stream [" + id + "] was interrupted after "
							+ batch.count() + " elements");
				}
				batch.add(iterator.next());
			}
			batch.flush();
			return new Outcome(this.codec.encodeEnd(id, batch.count()), null);
		}
		catch (RuntimeException ex) {
			logger.debug("Stream [{}] failed after {} elements", id, batch.count(), ex);
			// What was produced before the failure reaches the caller, then the failure.
			batch.flush();
			return error(id, ErrorCode.SERVICE_EXCEPTION, ex.getClass().getName(), ex.getMessage());
		}
		finally {
			batch.close();
		}
	}

	/**
	 * The elements of a stream not sent yet: sent as a chunk when {@value #CHUNK_ELEMENTS} are
	 * there, or {@value #CHUNK_MILLIS} ms after the first of them came (by a timer, so that an
	 * element is not held back while the producer takes its time over the next).
	 */
	private final class Chunks {

		private final java.util.function.Consumer<byte[]> sink;

		private final Demand demand;

		private final List<Object> pending = new java.util.ArrayList<>();

		private long count;

		/** The chunks started: each one the caller asked for before its first element was taken in. */
		private long started;

		private java.util.concurrent.ScheduledFuture<?> timer;

		Chunks(java.util.function.Consumer<byte[]> sink, Demand demand) {
			this.sink = sink;
			this.demand = demand;
		}

		/** The highest chunk the caller is known to have asked for. */
		private long asked;

		/**
		 * Takes an element in, on the producer's thread: one that starts a chunk waits, outside the
		 * lock (a timer's flush goes on meanwhile), until the caller asked for that chunk.
		 */
		void add(Object element) {
			while (true) {
				long next;
				synchronized (this) {
					if (!this.pending.isEmpty() || this.asked > this.started) {
						if (this.pending.isEmpty()) {
							this.started++;
						}
						take(element);
						return;
					}
					next = this.started + 1;
				}
				try {
					this.demand.await(next);
				}
				catch (InterruptedException ex) {
					// Cancelled or at its deadline: the producer's loop sees the interrupt and stops.
					Thread.currentThread().interrupt();
					return;
				}
				synchronized (this) {
					this.asked = Math.max(this.asked, next);
				}
			}
		}

		private void take(Object element) {
			this.pending.add(element);
			this.count++;
			ExecutionTimer clock = ServiceExecutor.this.timer;
			if (this.pending.size() >= CHUNK_ELEMENTS || clock == null) {
				flush();
			}
			else if (this.timer == null) {
				this.timer = clock.scheduler()
					.schedule(() -> ServiceExecutor.this.chunkSender.execute(this::flush), CHUNK_MILLIS,
							TimeUnit.MILLISECONDS);
			}
		}

		synchronized void flush() {
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
			if (!this.pending.isEmpty()) {
				this.sink.accept(ServiceExecutor.this.codec.encodeChunk(this.pending));
				this.pending.clear();
			}
		}

		synchronized long count() {
			return this.count;
		}

		synchronized void close() {
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
			this.pending.clear();
		}

	}

	/**
	 * Waits until a streamed call's caller asked for a chunk ({@link io.execution.queue.StreamDemand}
	 * on queues); an interrupt (cancel, deadline) ends the wait.
	 */
	@FunctionalInterface
	public interface Demand {

		/** Never waits. */
		Demand NONE = (chunk) -> {
		};

		/**
		 * Waits until the caller asked for the given chunk.
		 * @param chunk its number, counting from 1
		 * @throws InterruptedException when the thread is interrupted
		 */
		void await(long chunk) throws InterruptedException;

	}

	/** The most elements one chunk of a streamed result holds on a queue. */
	static final int CHUNK_ELEMENTS = 256;

	/** A chunk is sent this long after its first element came, so that slow streams flow too. */
	static final long CHUNK_MILLIS = 20;

	/**
	 * Writes an error outcome.
	 * @param id the invocation id
	 * @param code the error code
	 * @param type the exception type for a service exception
	 * @param message the message
	 * @return the outcome
	 */
	public Outcome error(String id, ErrorCode code, String type, String message) {
		return new Outcome(this.codec.encodeError(id, code, type, message), code);
	}

	private Observation observe(RequestEnvelope request, ServiceMethod method) {
		if (this.observations.isNoop()) {
			return null;
		}
		// Inside the HTTP server's observation, the caller's context already made that span: nest under it.
		Map<String, String> carrier = (this.observations.getCurrentObservation() != null) ? this.currentTrace.get()
				: Map.of();
		ExecutionServerContext context = new ExecutionServerContext(carrier.isEmpty() ? request.trace() : carrier,
				String.valueOf(request.id()), method.service(), method.name());
		return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.observations)
			.start();
	}

	/**
	 * Whether a method failed because a call it made timed out once this call's own deadline had
	 * passed — the deadline that call inherited, so the timeout is this call's, not the method's
	 * answer (one deadline across processes).
	 */
	private static boolean inheritedDeadline(Throwable failure, long deadlineNanos) {
		Throwable cause = failure;
		while ((cause instanceof java.util.concurrent.CompletionException
				|| cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause instanceof io.execution.ExecutionTimeoutException && deadlineNanos - System.nanoTime() <= 0;
	}

	private static void stop(Observation observation, Throwable failure, String outcome) {
		if (failure != null) {
			observation.error(failure);
		}
		if (observation.getContext() instanceof ExecutionServerContext context) {
			context.setOutcome(outcome);
		}
		observation.stop();
	}

	private Object invoke(ServiceMethod method, Object[] args, long deadlineNanos) throws Throwable {
		Object result = method.invoke(args);
		if (method.streaming()) {
			// Answered in one envelope (a queue, or an HTTP caller that did not ask for NDJSON): all elements.
			try (Stream<?> elements = ResultStreams.open(result)) {
				return elements.toList();
			}
		}
		if (!method.async() || result == null) {
			return result;
		}
		Future<?> future = ((CompletionStage<?>) result).toCompletableFuture();
		try {
			return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | InterruptedException ex) {
			future.cancel(true);
			throw ex;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw Futures.unwrap(ex);
		}
	}

	private static Object[] bind(ServiceMethod method, RequestEnvelope request) {
		Object[] bound = request.boundTo(method.arguments());
		if (bound != null) {
			return bound;
		}
		if (request.bound() != null) {
			throw new MalformedEnvelopeException("The arguments of " + method.signature() + " were read for another"
					+ " method of that name");
		}
		return EnvelopeCodec.bindArguments(request.args(), method.declaredTypes(), method::argumentReader,
				method.signature());
	}

	/**
	 * A streaming method's elements, or why they cannot be had.
	 *
	 * @param stream the elements, or {@code null}
	 * @param error the error outcome, or {@code null}
	 */
	public record Opened(Stream<?> stream, Outcome error) {
	}

	/**
	 * What running a request gave: the result envelope to send back, and its error code when it
	 * carries an error.
	 *
	 * @param envelope the result envelope: tokens for a caller in this JVM, else bytes
	 * @param error the error code, {@code null} on success
	 * @param thrown what the service threw, for a {@code SERVICE_EXCEPTION} made here; else {@code null}
	 */
	public record Outcome(Envelope envelope, ErrorCode error, Throwable thrown) {

		/**
		 * An outcome that the service's own exception did not make.
		 * @param body the result envelope
		 * @param error the error code, {@code null} on success
		 */
		public Outcome(byte[] body, ErrorCode error) {
			this(Envelope.of(body), error, null);
		}

		/**
		 * The result envelope's JSON.
		 * @return the bytes
		 */
		public byte[] body() {
			return this.envelope.bytes();
		}

		/**
		 * Whether the request succeeded.
		 * @return {@code true} without an error
		 */
		public boolean ok() {
			return this.error == null;
		}

		/**
		 * Whether the call was answered, by the outcome model every count uses: a result or the
		 * service's own exception; not a call that timed out, was cancelled, refused or unreadable.
		 * @return {@code true} when answered
		 */
		public boolean answered() {
			return this.error == null || this.error == ErrorCode.SERVICE_EXCEPTION;
		}

		/**
		 * How the call ended, by the one outcome model every count uses: as its caller will see it.
		 * @return the outcome
		 */
		public io.execution.core.CallOutcome outcome() {
			if (this.error == null) {
				return io.execution.core.CallOutcome.SUCCEEDED;
			}
			return switch (this.error) {
				case SERVICE_EXCEPTION -> io.execution.core.CallOutcome.SERVICE_EXCEPTION;
				case CANCELLED -> io.execution.core.CallOutcome.CANCELLED;
				case DEADLINE_EXCEEDED -> io.execution.core.CallOutcome.TIMED_OUT;
				case MAY_HAVE_RUN, INTERNAL -> io.execution.core.CallOutcome.MAY_HAVE_RUN;
				default -> io.execution.core.CallOutcome.REJECTED;
			};
		}

	}

}
