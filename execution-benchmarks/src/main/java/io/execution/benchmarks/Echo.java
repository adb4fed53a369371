package io.execution.benchmarks;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** The service every mode and peer is measured with: the payload goes there and back. */
@ExecutionClient("echo")
public interface Echo {

	@Idempotent
	String echo(String payload);

}
