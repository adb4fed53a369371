package io.execution.core;

/**
 * How a client method hands its result back, chosen by its declared return type.
 */
public enum ReturnStyle {

	/** Returns {@code T}: the caller's thread waits for the result. */
	SYNC,

	/** Returns {@code void}: the caller's thread waits for completion. */
	VOID,

	/** Returns {@code CompletableFuture<T>} or {@code CompletionStage<T>}: never blocks the caller. */
	FUTURE,

	/** Returns {@code Stream<T>}: elements arrive as they are produced; closing it stops the producer. */
	STREAM,

	/** Returns Reactor's {@code Flux<T>}: elements arrive on demand; cancelling stops the producer. */
	FLUX

}
