package io.execution.executions;

import io.execution.ExecutionClient;

/** Long jobs whose steps the tests let through one at a time. */
@ExecutionClient("jobs")
public interface Jobs {

	String work(String name, int steps);

	String fail(String message);

	void touch(String name);

	int length(String text);

	java.util.concurrent.CompletableFuture<Integer> lengthAsync(String text);

}
