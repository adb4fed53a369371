package io.execution;

/**
 * The endpoint's circuit breaker refused the call; no request was sent.
 */
public class CircuitOpenException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public CircuitOpenException(String message) {
		super(message);
	}

	public CircuitOpenException(String message, Throwable cause) {
		super(message, cause);
	}

}
