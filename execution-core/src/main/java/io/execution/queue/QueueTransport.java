package io.execution.queue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.async.RemoteExecutions;
import io.execution.codec.Envelope;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.execution.core.Transport;

/**
 * Puts the calls of a {@code queue} endpoint on its queue, as request envelopes, and reads the
 * result envelopes the workers send back.
 */
public final class QueueTransport implements Transport, RemoteExecutions {

	private final String endpoint;

	private final String queue;

	private final QueueBackend backend;

	private final EnvelopeCodec codec;

	/** The endpoint's own priority and requirement; calls add their scope's. */
	private final QueueLane lane;

	/**
	 * Makes the transport of one endpoint.
	 * @param endpoint the endpoint name
	 * @param queue the queue its calls go to
	 * @param backend the queue backend
	 * @param codec the envelope codec
	 */
	public QueueTransport(String endpoint, String queue, QueueBackend backend, EnvelopeCodec codec) {
		this(endpoint, queue, backend, codec, QueueLane.DEFAULT);
	}

	/**
	 * Makes the transport of one endpoint whose calls wait in a lane of their queue.
	 * @param endpoint the endpoint name
	 * @param queue the queue its calls go to
	 * @param backend the queue backend
	 * @param codec the envelope codec
	 * @param lane the endpoint's priority and the worker tags its calls require (a call's
	 * {@link io.execution.CallScope} may set another priority and a fairness key)
	 */
	public QueueTransport(String endpoint, String queue, QueueBackend backend, EnvelopeCodec codec, QueueLane lane) {
		this.lane = lane;
		this.endpoint = endpoint;
		this.queue = queue;
		this.backend = backend;
		this.codec = codec;
	}

	/**
	 * The queue this endpoint's calls go to.
	 * @return the queue name
	 */
	public String queue() {
		return this.queue;
	}

	@Override
	public Object invoke(Invocation invocation) {
		Envelope result;
		try {
			result = Futures.await(submit(invocation, true), invocation);
		}
		catch (ExecutionRejectedException ex) {
			throw new EndpointFailure(ex, false);
		}
		return this.codec.readResult(result, invocation.method());
	}

	@Override
	public CompletableFuture<Object> invokeAsync(Invocation invocation) {
		CompletableFuture<Envelope> submitted = submit(invocation, false);
		CompletableFuture<Object> result = new CompletableFuture<>();
		submitted.whenCompleteAsync((body, failure) -> {
			if (failure != null) {
				Throwable cause = Futures.unwrap(failure);
				result.completeExceptionally((cause instanceof ExecutionRejectedException rejected)
						? new EndpointFailure(rejected, false) : cause);
				return;
			}
			try {
				result.complete(this.codec.readResult(body, invocation.method()));
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		}, this.backend.callbacks());
		Futures.cancelWith(result, submitted);
		return result;
	}

	@Override
	public java.util.stream.Stream<Object> openStream(Invocation invocation) {
		QueuedStream elements = new QueuedStream(invocation, this.codec, STREAM_BUFFER_CHUNKS);
		Envelope request = encode(invocation, true);
		CompletableFuture<Envelope> result;
		try {
			// Read as it comes, like a synchronous call's answer: a backend that holds calls in a
			// transaction refuses it there.
			result = this.backend.submit(call(invocation, request).streaming(elements::chunk, elements.demand())
				.awaitedByCaller());
		}
		catch (ExecutionRejectedException ex) {
			throw new EndpointFailure(ex, false);
		}
		elements.follow(result);
		return java.util.stream.StreamSupport.stream(elements, false).onClose(elements::close);
	}

	/**
	 * Chunks of a streamed result a caller may fall behind by before its stream is failed: the
	 * worker waits for the caller's grants ({@link StreamDemand#WINDOW} ahead), so only a worker
	 * that does not heed them (an earlier version) comes this far.
	 */
	static final int STREAM_BUFFER_CHUNKS = 4 * StreamDemand.WINDOW;

	/**
	 * Puts the request on the queue. A rejection here (queue full or closed, backend unreachable)
	 * means the call never ran, so it is an {@link EndpointFailure}: a fallback may take it.
	 */
	private CompletableFuture<Envelope> submit(Invocation invocation, boolean awaited) {
		Envelope request = encode(invocation, false);
		try {
			QueuedCall call = call(invocation, request);
			if (awaited) {
				call = call.awaitedByCaller();
			}
			long delay = invocation.delayNanos();
			if (delay > 0) {
				call = call.dueIn(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delay)),
						Math.max(1, TimeUnit.NANOSECONDS.toMillis(invocation.deadlineNanos() - invocation.dueNanos())));
			}
			return this.backend.submit(call);
		}
		catch (ExecutionRejectedException ex) {
			throw new EndpointFailure(ex, false);
		}
	}

	/** The request envelope: tokens for workers in this JVM, JSON bytes for the others. */
	private Envelope encode(Invocation invocation, boolean stream) {
		return this.backend.inJvm() ? this.codec.encodeRequestInJvm(invocation, stream)
				: Envelope.of(this.codec.encodeRequest(invocation, stream));
	}

	/** The queued call of an invocation, in its lane. */
	private QueuedCall call(Invocation invocation, Envelope request) {
		return new QueuedCall(this.queue, invocation.id(), request, invocation.deadlineNanos(),
				invocation.method().idempotent(), lane(invocation), 0, 0, null, null, false);
	}

	/**
	 * The call's lane: the endpoint's, with the priority and fairness key of the caller's scope; a
	 * key the call names ({@link io.execution.FairnessKey}) wins over the scope's.
	 */
	private QueueLane lane(Invocation invocation) {
		io.execution.CallScope scope = invocation.scope();
		String named = invocation.method().fairnessKey(invocation.args());
		if (scope == null && named == null) {
			return this.lane;
		}
		Integer priority = (scope != null) ? scope.getPriority() : null;
		return new QueueLane((priority != null) ? priority : this.lane.priority(),
				(named != null) ? named : scope.getFairnessKey(), this.lane.requires());
	}

	/**
	 * The endpoint's lane: its priority and the worker tags its calls require.
	 * @return the lane
	 */
	public QueueLane lane() {
		return this.lane;
	}

	@Override
	public String unavailable() {
		return this.backend.unavailable(this.queue, this.lane.requires());
	}

	@Override
	public boolean schedules() {
		return this.backend.schedules();
	}

	@Override
	public boolean cancelExecution(String id, String location) {
		return this.backend.cancel(this.queue, id);
	}

	@Override
	public java.util.Map<String, Object> describe() {
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("queue", this.queue);
		description.put("backend", this.backend.name());
		if (this.lane.priority() != 0) {
			description.put("priority", this.lane.priority());
		}
		if (!this.lane.requires().isEmpty()) {
			description.put("requires", this.lane.requires());
		}
		return description;
	}

	@Override
	public String toString() {
		return "QueueTransport[" + this.endpoint + " -> " + this.backend.name() + ":" + this.queue + "]";
	}

}
