package io.execution;

/**
 * The call was cancelled: by the caller, or by a worker that shut down before it finished.
 */
public class ExecutionCancelledException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public ExecutionCancelledException(String message) {
		super(message);
	}

	public ExecutionCancelledException(String message, Throwable cause) {
		super(message, cause);
	}

}
