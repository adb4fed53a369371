package io.execution.deadlines;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** The service at the end of a chain: it sleeps as long as asked. */
@ExecutionClient("back")
public interface Back {

	String sleep(long millis);

	CompletableFuture<String> sleepAsync(long millis);

}
