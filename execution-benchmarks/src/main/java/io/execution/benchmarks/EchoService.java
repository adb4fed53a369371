package io.execution.benchmarks;

import io.execution.ExecutionService;

/** Returns what it gets: the cost measured is the call's, not the service's. */
@ExecutionService
public class EchoService implements Echo {

	@Override
	public String echo(String payload) {
		return payload;
	}

	@Override
	public java.util.concurrent.CompletableFuture<String> echoAsync(String payload) {
		return java.util.concurrent.CompletableFuture.completedFuture(payload);
	}

}
