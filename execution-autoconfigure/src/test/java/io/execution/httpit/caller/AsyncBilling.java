package io.execution.httpit.caller;

import java.util.concurrent.CompletableFuture;

import io.execution.Idempotent;

/** An asynchronous view of the same service, made with the client factory. */
public interface AsyncBilling {

	@Idempotent
	CompletableFuture<String> quote(String item);

	CompletableFuture<String> slow(long millis);

}
