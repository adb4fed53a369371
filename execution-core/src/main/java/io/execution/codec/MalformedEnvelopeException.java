package io.execution.codec;

/**
 * A body that is not a valid envelope of a known version.
 */
public class MalformedEnvelopeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public MalformedEnvelopeException(String message) {
		super(message);
	}

}
