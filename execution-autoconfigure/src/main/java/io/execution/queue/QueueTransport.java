package io.execution.queue;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionRejectedException;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.execution.core.Transport;

/**
 * Puts the calls of a {@code queue} endpoint on its queue, as request envelopes, and reads the
 * result envelopes the workers send back.
 */
public final class QueueTransport implements Transport {

	private final String endpoint;

	private final String queue;

	private final QueueBackend backend;

	private final EnvelopeCodec codec;

	/**
	 * Makes the transport of one endpoint.
	 * @param endpoint the endpoint name
	 * @param queue the queue its calls go to
	 * @param backend the queue backend
	 * @param codec the envelope codec
	 */
	public QueueTransport(String endpoint, String queue, QueueBackend backend, EnvelopeCodec codec) {
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
		byte[] result = Futures.await(submit(invocation), invocation);
		return this.codec.readResult(result, invocation.method());
	}

	@Override
	public CompletableFuture<Object> invokeAsync(Invocation invocation) {
		return Futures.map(submit(invocation), (result) -> this.codec.readResult(result, invocation.method()));
	}

	private CompletableFuture<byte[]> submit(Invocation invocation) {
		byte[] request = this.codec.encodeRequest(invocation);
		try {
			return this.backend.submit(this.queue, invocation.id(), request, invocation.deadlineNanos());
		}
		catch (ExecutionRejectedException ex) {
			// A full or closed queue never ran the call: a fallback endpoint may take it.
			throw new EndpointFailure(ex, false);
		}
	}

	@Override
	public String toString() {
		return "QueueTransport[" + this.endpoint + " -> " + this.backend.name() + ":" + this.queue + "]";
	}

}
