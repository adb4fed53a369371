package io.execution;

/**
 * Base of every error a caller of an Execution client sees. Unchecked, like the errors of
 * Spring's own remoting clients.
 */
public class ExecutionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ExecutionException(String message) {
		super(message);
	}

	public ExecutionException(String message, Throwable cause) {
		super(message, cause);
	}

}
