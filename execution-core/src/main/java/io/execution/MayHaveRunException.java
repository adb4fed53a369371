package io.execution;

/**
 * The call may have run, and no answer came: a worker took it and stopped before answering, or
 * an instance received it and the connection dropped. It is not run again because its method is
 * not {@link Idempotent} (or it was taken too often); whether it ran is for the caller to find out,
 * for example by the business key it carries.
 */
public class MayHaveRunException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public MayHaveRunException(String message) {
		super(message);
	}

	public MayHaveRunException(String message, Throwable cause) {
		super(message, cause);
	}

}
