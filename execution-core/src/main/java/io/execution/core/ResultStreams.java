package io.execution.core;

import java.util.List;
import java.util.stream.Stream;

/**
 * The streaming result types: {@link Stream}, and Reactor's {@code Flux} when Reactor is on the
 * class path. Both are turned into a {@link Stream} that pulls elements as they are consumed and
 * whose {@link Stream#close()} stops the producer (a {@code Flux} is subscribed with a bounded
 * prefetch and cancelled on close).
 */
public final class ResultStreams {

	private static final String FLUX = "reactor.core.publisher.Flux";

	private static final boolean REACTOR = present(FLUX);

	/** Elements a {@code Flux} is asked for ahead of the consumer. */
	static final int PREFETCH = 256;

	private ResultStreams() {
	}

	private static boolean present(String className) {
		try {
			Class.forName(className, false, ResultStreams.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Whether a declared type streams its results.
	 * @param type the declared return type
	 * @return {@code true} for {@link Stream} and {@code Flux}
	 */
	public static boolean isStream(Class<?> type) {
		return Stream.class.isAssignableFrom(type) || isFlux(type);
	}

	/**
	 * Whether a declared type is Reactor's {@code Flux}.
	 * @param type the declared type
	 * @return {@code true} for {@code Flux}
	 */
	public static boolean isFlux(Class<?> type) {
		return REACTOR && type.getName().equals(FLUX);
	}

	/**
	 * Turns what a streaming method returned into a {@link Stream}.
	 * @param value a {@link Stream}, a {@code Flux}, or {@code null}
	 * @return the stream
	 */
	public static Stream<?> open(Object value) {
		if (value == null) {
			return Stream.empty();
		}
		if (value instanceof Stream<?> stream) {
			return stream;
		}
		if (REACTOR && Reactor.isFlux(value)) {
			return Reactor.toStream(value);
		}
		if (value instanceof List<?> list) {
			return list.stream();
		}
		throw new IllegalArgumentException("Not a stream: " + value.getClass().getName());
	}

	/**
	 * Makes a {@code Flux} of a stream to come: opened on subscription, on a thread that may
	 * block, and closed when the subscriber cancels.
	 * @param opener opens the stream
	 * @return the flux
	 */
	public static Object flux(java.util.function.Supplier<Stream<?>> opener) {
		return Reactor.flux(opener);
	}

	/** What needs Reactor, loaded only when it is there. */
	private static final class Reactor {

		static boolean isFlux(Object value) {
			return value instanceof reactor.core.publisher.Flux<?>;
		}

		static Stream<?> toStream(Object value) {
			return ((reactor.core.publisher.Flux<?>) value).toStream(PREFETCH);
		}

		static Object flux(java.util.function.Supplier<Stream<?>> opener) {
			return reactor.core.publisher.Flux.defer(() -> reactor.core.publisher.Flux.fromStream(opener.get()))
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
		}

	}

}
