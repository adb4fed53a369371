package io.execution.lanes;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** Work whose order the lane tests watch. */
@ExecutionClient("graded")
public interface Graded {

	/** Records the label when it starts; the label "block" holds the worker until released. */
	CompletableFuture<String> run(String label);

	/** The name of the worker that ran the call ({@code worker.name}). */
	String where();

}
