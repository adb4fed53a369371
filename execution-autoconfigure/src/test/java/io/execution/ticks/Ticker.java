package io.execution.ticks;

import io.execution.ExecutionClient;
import io.execution.recurring.Recurring;

/** Ticks: one declared with @Recurring, others registered by the tests. */
@ExecutionClient("ticker")
public interface Ticker {

	/** Every second, declared. */
	@Recurring(name = "fast", every = "1s")
	String fast();

	/** Takes the given time. */
	String slow(long millis);

	/** Fails its first run per label, then answers. */
	@io.execution.Idempotent
	@io.execution.RetryFailed(maxAttempts = 2, initialInterval = "100ms")
	String flaky(String label);

	/** Answers at once. */
	String quick(String label);

}
