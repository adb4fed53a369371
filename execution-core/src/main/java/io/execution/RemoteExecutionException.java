package io.execution;

/**
 * The service method threw. Carries the name of the exception type the method threw and its
 * message; the stack trace of a remote exception never travels. In local mode the original
 * exception is also the {@linkplain #getCause() cause}.
 */
public class RemoteExecutionException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	private final String remoteType;

	private final String remoteMessage;

	public RemoteExecutionException(String remoteType, String remoteMessage) {
		this(remoteType, remoteMessage, null);
	}

	public RemoteExecutionException(String remoteType, String remoteMessage, Throwable cause) {
		super(remoteType + ((remoteMessage != null) ? ": " + remoteMessage : ""), cause);
		this.remoteType = remoteType;
		this.remoteMessage = remoteMessage;
	}

	/**
	 * The fully qualified name of the exception type the service method threw.
	 * @return the remote exception's type name
	 */
	public String getRemoteType() {
		return this.remoteType;
	}

	/**
	 * The message of the exception the service method threw, or {@code null}.
	 * @return the remote exception's message
	 */
	public String getRemoteMessage() {
		return this.remoteMessage;
	}

}
