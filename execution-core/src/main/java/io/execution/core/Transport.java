package io.execution.core;

import java.util.concurrent.CompletableFuture;

/**
 * Carries invocations of one endpoint to where the service runs: in this JVM, over HTTP, onto a
 * queue. The dispatcher knows transports only through this interface, and a transport is made
 * for an endpoint by the {@link TransportFactory} of its mode.
 * <p>
 * Failures are {@link io.execution.ExecutionException}s: the service's own exception arrives as
 * a {@link io.execution.RemoteExecutionException}.
 */
public interface Transport extends AutoCloseable {

	/**
	 * Starts an invocation. Cancelling the returned future cancels the call where it runs (a
	 * waiting request is dropped, a running one interrupted) as far as the transport can.
	 * @param invocation the invocation
	 * @return the result, decoded to the client method's result type
	 */
	CompletableFuture<Object> invokeAsync(Invocation invocation);

	/**
	 * Runs an invocation and waits for its result until its deadline.
	 * @param invocation the invocation
	 * @return the result, decoded to the client method's result type
	 */
	default Object invoke(Invocation invocation) {
		return Futures.await(invokeAsync(invocation), invocation);
	}

	/**
	 * Runs an invocation of a streaming method and returns its elements as they come, bound to
	 * the method's element type. Closing the stream stops the producer. By default the transport
	 * answers with all elements at once (a JSON array) and they are streamed from that.
	 * @param invocation the invocation of a {@linkplain ClientMethod#streaming() streaming} method
	 * @return the elements
	 */
	default java.util.stream.Stream<Object> openStream(Invocation invocation) {
		java.util.List<?> elements = (java.util.List<?>) invoke(invocation);
		return (elements != null) ? elements.stream().map(Object.class::cast) : java.util.stream.Stream.empty();
	}

	/**
	 * What an operator should know of this transport's state (breakers, URLs, queue), for
	 * health and the actuator endpoint.
	 * @return details; empty by default
	 */
	default java.util.Map<String, Object> describe() {
		return java.util.Map.of();
	}

	/**
	 * Whether this transport's endpoint refuses calls now (its circuit breaker is open).
	 * @return {@code false} by default
	 */
	default boolean refusing() {
		return false;
	}

	/**
	 * Why this endpoint cannot serve a call now, when it knows for sure that a call sent now
	 * would not run (a queue that no live worker serves): the dispatcher then passes it over for
	 * the next endpoint of a fallback chain. The last endpoint of a chain is always tried.
	 * @return the reason, or {@code null} when it can serve (the default)
	 */
	default String unavailable() {
		return null;
	}

	/**
	 * Whether this transport holds a call until it is due ({@link Invocation#dueNanos()}): queue
	 * endpoints on a backend that schedules, and local ones under {@code execution.local-only}.
	 * @return {@code false} by default
	 */
	default boolean schedules() {
		return false;
	}

	/**
	 * Prepares at start-up what the first call would otherwise pay for (connections, classes),
	 * without waiting for it and without judging the target: a first call then costs what the
	 * hundredth does. The default does nothing.
	 */
	default void warmUp() {
	}

	/**
	 * Releases what the transport holds. The default does nothing.
	 */
	@Override
	default void close() {
	}

}
