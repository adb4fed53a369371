package io.execution.faultrun;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** The fault run's service: each call counts, in Redis, that it ran for its key. */
@ExecutionClient("tally")
public interface Tally {

	@Idempotent
	String read(String key);

	String write(String key);

}
