package io.execution;

/**
 * No such service or method on the target, or no endpoint is configured for the service.
 */
public class ServiceNotFoundException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	public ServiceNotFoundException(String message) {
		super(message);
	}

	public ServiceNotFoundException(String message, Throwable cause) {
		super(message, cause);
	}

}
