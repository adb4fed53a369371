package io.execution.autoconfigure;

/**
 * A client is injected for a service that has no endpoint: not configured, and not offered by
 * this application.
 */
public class UnresolvedEndpointException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String service;

	public UnresolvedEndpointException(String service, Throwable cause) {
		super(cause.getMessage(), cause);
		this.service = service;
	}

	/**
	 * The service without an endpoint.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

}
