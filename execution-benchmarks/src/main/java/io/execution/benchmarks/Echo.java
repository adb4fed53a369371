package io.execution.benchmarks;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** The service every mode and peer is measured with: the payload goes there and back. */
@ExecutionClient("echo")
public interface Echo {

	@Idempotent
	String echo(String payload);

	/**
	 * The same, without waiting: the caller gets a future (and the call a deadline of its own).
	 * @param payload the payload
	 * @return the payload, to come
	 */
	@Idempotent
	java.util.concurrent.CompletableFuture<String> echoAsync(String payload);

}
