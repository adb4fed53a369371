package io.execution.retry;

import io.execution.ExecutionClient;
import io.execution.Idempotent;
import io.execution.RetryFailed;

/** A service that fails a given number of times per key before it succeeds. */
@ExecutionClient("flaky")
public interface Flaky {

	/** Fails the first {@code failures} calls with this key, then answers. */
	@Idempotent
	@RetryFailed(maxAttempts = 3, initialInterval = "100ms", multiplier = 2, jitter = 0)
	String annotated(String key, int failures);

	/** As {@link #annotated}, answering a future; its next attempt waits a second. */
	@Idempotent
	@RetryFailed(maxAttempts = 3, initialInterval = "1s", jitter = 0)
	java.util.concurrent.CompletableFuture<String> later(String key, int failures);

	/** Throws IllegalArgumentException, which its policy never retries. */
	@Idempotent
	@RetryFailed(maxAttempts = 3, initialInterval = "50ms", neverFor = IllegalArgumentException.class)
	String refused(String key);

	/** Always fails; kept as a dead letter once its two attempts are spent. */
	@Idempotent
	@RetryFailed(maxAttempts = 2, initialInterval = "50ms", deadLetter = true)
	String kept(String key);

	/** As {@link #annotated}, retried only by the endpoint's properties. */
	@Idempotent
	String byProperties(String key, int failures);

	/** As {@link #annotated}, not idempotent: the endpoint's properties do not retry it. */
	String notIdempotent(String key, int failures);

}
