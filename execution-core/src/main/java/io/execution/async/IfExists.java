package io.execution.async;

/**
 * What a start with an idempotency key does when an execution with that key exists (within the
 * retention, in any process sharing the store).
 */
public enum IfExists {

	/** Returns the existing execution; nothing new starts (the default). */
	RETURN_EXISTING,

	/** Fails with {@link DuplicateExecutionException}, which names the existing execution. */
	FAIL

}
