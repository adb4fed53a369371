package io.execution.core;

import io.execution.ExecutionException;

/**
 * Thrown by a transport (or completes its future) when the endpoint itself failed, as opposed to
 * the service: nothing answered, a breaker refused, the queue was full. The dispatcher then tries
 * the endpoint's fallbacks, when it has any and when re-running the call is safe; otherwise the
 * caller gets the {@linkplain #failure() failure} inside, never this wrapper.
 */
public final class EndpointFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final boolean mayHaveRun;

	/**
	 * Wraps a failure of the endpoint.
	 * @param failure what the caller gets when no fallback helps
	 * @param mayHaveRun whether the service may have run the call (then only idempotent calls
	 * are tried elsewhere)
	 */
	public EndpointFailure(ExecutionException failure, boolean mayHaveRun) {
		super(failure.getMessage(), failure, false, false);
		this.mayHaveRun = mayHaveRun;
	}

	/**
	 * The failure the caller sees.
	 * @return the failure
	 */
	public ExecutionException failure() {
		return (ExecutionException) getCause();
	}

	/**
	 * Whether the service may have run the call.
	 * @return {@code true} when a request reached the service and no answer came back
	 */
	public boolean mayHaveRun() {
		return this.mayHaveRun;
	}

}
