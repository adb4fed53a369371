package io.execution.codec;

import tools.jackson.databind.JsonNode;

/**
 * The outcome of an invocation as it travels back: a result or an error, never both.
 *
 * @param id the invocation id
 * @param result the result, when {@code error} is {@code null}
 * @param error the error, or {@code null}
 */
public record ResultEnvelope(String id, JsonNode result, Error error) {

	/**
	 * Whether the invocation succeeded.
	 * @return {@code true} when there is no error
	 */
	public boolean ok() {
		return this.error == null;
	}

	/**
	 * An error as it travels.
	 *
	 * @param code the error code
	 * @param type the type name of the exception a service method threw, else {@code null}
	 * @param message what went wrong
	 */
	public record Error(ErrorCode code, String type, String message) {
	}

}
