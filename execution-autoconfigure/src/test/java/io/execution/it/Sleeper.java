package io.execution.it;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** Slow calls, for deadlines, cancellation and shutdown. */
@ExecutionClient("sleeper")
public interface Sleeper {

	String sleep(long millis);

	CompletableFuture<String> sleepAsync(long millis);

	/** Blocks, ignoring interrupts, until the test opens the gate. */
	CompletableFuture<String> hold();

	CompletableFuture<String> stamp(String id);

}
