package io.execution.queue;

import java.util.function.Function;

import io.execution.codec.EnvelopeCodec;
import io.execution.core.EndpointDefinition;
import io.execution.core.Transport;
import io.execution.core.TransportFactory;

/**
 * Makes the transports of {@code queue} endpoints.
 */
public final class QueueTransportFactory implements TransportFactory {

	/** The mode name. */
	public static final String MODE = "queue";

	private final QueueBackend backend;

	private final EnvelopeCodec codec;

	private final Function<String, String> queues;

	/**
	 * Makes the factory.
	 * @param backend the queue backend
	 * @param codec the envelope codec
	 * @param queues the queue of each endpoint, by endpoint name
	 */
	public QueueTransportFactory(QueueBackend backend, EnvelopeCodec codec, Function<String, String> queues) {
		this(backend, codec, queues, (name) -> QueueLane.DEFAULT);
	}

	/**
	 * Makes the factory.
	 * @param backend the queue backend
	 * @param codec the envelope codec
	 * @param queues the queue of each endpoint, by endpoint name
	 * @param lanes the priority and requirement of each endpoint's calls, by endpoint name
	 */
	public QueueTransportFactory(QueueBackend backend, EnvelopeCodec codec, Function<String, String> queues,
			Function<String, QueueLane> lanes) {
		this.backend = backend;
		this.codec = codec;
		this.queues = queues;
		this.lanes = lanes;
	}

	private final Function<String, QueueLane> lanes;

	@Override
	public String mode() {
		return MODE;
	}

	@Override
	public Transport create(EndpointDefinition endpoint) {
		String queue = (endpoint.address() != null) ? endpoint.address() : this.queues.apply(endpoint.name());
		return new QueueTransport(endpoint.name(), queue, this.backend, this.codec, this.lanes.apply(endpoint.name()));
	}

}
