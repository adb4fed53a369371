package io.execution.redis;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** One idempotent and one non-idempotent method, for redelivery after a worker died. */
@ExecutionClient("ledger")
public interface Ledger {

	@Idempotent
	CompletableFuture<String> read(String key);

	CompletableFuture<String> write(String key);

	String where();

	CompletableFuture<String> pause(long millis);

	/** Runs this long whatever interrupts it. */
	CompletableFuture<String> stubborn(long millis);

}
