package io.execution.client;

import java.util.Map;

import io.execution.core.ClientMethod;

/**
 * The one client call a lambda makes, captured instead of made: how
 * {@code executions.start(() -> thumbnails.render(image, 200))} learns what to start.
 *
 * @param method the client method called
 * @param args the arguments
 */
public record CapturedCall(ClientMethod method, Object[] args) {

	private static final ThreadLocal<Recorder> ACTIVE = new ThreadLocal<>();

	/** How many threads capture now: while none does, a call needs no look at its thread's recorder. */
	private static final java.util.concurrent.atomic.AtomicInteger CAPTURING = new java.util.concurrent.atomic.AtomicInteger();

	private static final Map<Class<?>, Object> PRIMITIVE_DEFAULTS = Map.of(boolean.class, false, byte.class, (byte) 0,
			short.class, (short) 0, char.class, (char) 0, int.class, 0, long.class, 0L, float.class, 0f, double.class,
			0d);

	/**
	 * Runs a lambda with client calls captured rather than made.
	 * @param body the lambda
	 * @return the one call it made
	 * @throws IllegalArgumentException when it made no client call, or more than one
	 */
	public static CapturedCall capture(Runnable body) {
		Recorder previous = ACTIVE.get();
		Recorder recorder = new Recorder();
		ACTIVE.set(recorder);
		CAPTURING.incrementAndGet();
		try {
			body.run();
		}
		finally {
			CAPTURING.decrementAndGet();
			if (previous != null) {
				ACTIVE.set(previous);
			}
			else {
				ACTIVE.remove();
			}
		}
		if (recorder.count != 1) {
			throw new IllegalArgumentException("The lambda given to Executions.start must call exactly one method of an"
					+ " @ExecutionClient interface; it called " + recorder.count);
		}
		return recorder.call;
	}

	/**
	 * Captures a call when the current thread is capturing.
	 * @param method the client method
	 * @param args the arguments
	 * @return whether it was captured (then the proxy returns {@link #placeholder} and calls nothing)
	 */
	static boolean record(ClientMethod method, Object[] args) {
		if (CAPTURING.get() == 0) {
			// No thread captures: every call is made, without a look at this thread's recorder.
			return false;
		}
		Recorder recorder = ACTIVE.get();
		if (recorder == null) {
			return false;
		}
		recorder.count++;
		recorder.call = new CapturedCall(method, (args != null) ? args.clone() : new Object[0]);
		return true;
	}

	/**
	 * What a captured call returns to the lambda: nothing, or zero for a primitive type.
	 * @param method the client method
	 * @return the placeholder
	 */
	static Object placeholder(ClientMethod method) {
		return PRIMITIVE_DEFAULTS.get(method.method().getReturnType());
	}

	private static final class Recorder {

		private int count;

		private CapturedCall call;

	}

}
