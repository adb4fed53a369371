package io.execution;

/**
 * The call's deadline passed: the request was not picked up, or did not finish, in time.
 */
public class ExecutionTimeoutException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public ExecutionTimeoutException(String message) {
		super(message);
	}

	public ExecutionTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}
