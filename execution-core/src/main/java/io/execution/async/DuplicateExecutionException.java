package io.execution.async;

import io.execution.ExecutionRejectedException;

/**
 * A start with an idempotency key that an execution already holds, under
 * {@link IfExists#FAIL}: nothing new started.
 */
public class DuplicateExecutionException extends ExecutionRejectedException {

	private final String key;

	private final String existingId;

	/**
	 * Makes the exception.
	 * @param key the idempotency key
	 * @param existingId the id of the execution that holds it
	 */
	public DuplicateExecutionException(String key, String existingId) {
		super("An execution with idempotency key '" + key + "' exists already: " + existingId
				+ " (look it up with executions.find(id), or start with IfExists.RETURN_EXISTING to get it back)");
		this.key = key;
		this.existingId = existingId;
	}

	/** @return the idempotency key */
	public String key() {
		return this.key;
	}

	/** @return the id of the execution that holds the key */
	public String existingId() {
		return this.existingId;
	}

}
