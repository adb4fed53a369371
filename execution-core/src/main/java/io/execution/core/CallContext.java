package io.execution.core;

import org.slf4j.MDC;

/**
 * Puts the invocation id, endpoint and mode of the call a thread is making in the logging MDC
 * ({@code execution.invocation}, {@code execution.endpoint}, {@code execution.mode}), and puts
 * back what was there when the call ends, so that nested calls log correctly too.
 */
public final class CallContext {

	/** MDC key of the invocation id. */
	public static final String INVOCATION = "execution.invocation";

	/** MDC key of the endpoint. */
	public static final String ENDPOINT = "execution.endpoint";

	/** MDC key of the mode. */
	public static final String MODE = "execution.mode";

	private final String invocation;

	private final String endpoint;

	private final String mode;

	private CallContext(String invocation, String endpoint, String mode) {
		this.invocation = invocation;
		this.endpoint = endpoint;
		this.mode = mode;
	}

	/**
	 * Enters a call made through an endpoint.
	 * @param invocation the invocation
	 * @param endpoint the endpoint
	 * @return the context, to {@link #exit()}
	 */
	static CallContext enter(Invocation invocation, Endpoint endpoint) {
		return enter(invocation.id(), endpoint.name(), endpoint.mode());
	}

	/** What an outermost call puts back: nothing (the keys are put and taken away together). */
	private static final CallContext OUTERMOST = new CallContext(null, null, null);

	/**
	 * Enters a call or an execution.
	 * @param invocation the invocation id
	 * @param endpoint the endpoint or queue
	 * @param mode the mode
	 * @return the context, to {@link #exit()}
	 */
	public static CallContext enter(String invocation, String endpoint, String mode) {
		String outer = MDC.get(INVOCATION);
		// The three keys come and go together: without an invocation, the thread is in no call.
		CallContext previous = (outer != null) ? new CallContext(outer, MDC.get(ENDPOINT), MDC.get(MODE)) : OUTERMOST;
		put(INVOCATION, invocation);
		put(ENDPOINT, endpoint);
		put(MODE, mode);
		return previous;
	}

	/**
	 * Puts back what the MDC held before the call.
	 */
	public void exit() {
		put(INVOCATION, this.invocation);
		put(ENDPOINT, this.endpoint);
		put(MODE, this.mode);
	}

	private static void put(String key, String value) {
		if (value != null) {
			MDC.put(key, value);
		}
		else {
			MDC.remove(key);
		}
	}

}
