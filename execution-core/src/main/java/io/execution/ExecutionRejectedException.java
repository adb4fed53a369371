package io.execution;

/**
 * The call was refused before it ran: authentication, payload size, a full queue, a detected cycle or a closed transport.
 */
public class ExecutionRejectedException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public ExecutionRejectedException(String message) {
		super(message);
	}

	public ExecutionRejectedException(String message, Throwable cause) {
		super(message, cause);
	}

}
