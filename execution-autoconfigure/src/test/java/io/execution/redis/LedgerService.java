package io.execution.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.execution.ExecutionService;

/** Records every call that reaches it. */
@ExecutionService
public class LedgerService implements Ledger {

	final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

	@Override
	public CompletableFuture<String> read(String key) {
		this.calls.add("read:" + key);
		return CompletableFuture.completedFuture("value of " + key);
	}

	@Override
	public CompletableFuture<String> write(String key) {
		this.calls.add("write:" + key);
		return CompletableFuture.completedFuture("wrote " + key);
	}

	@Override
	public CompletableFuture<String> pause(long millis) {
		this.calls.add("pause");
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return CompletableFuture.completedFuture("paused");
	}

	@Override
	public CompletableFuture<String> stubborn(long millis) {
		long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
		while (end - System.nanoTime() > 0) {
			try {
				Thread.sleep(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				// Carries on: a method that does not heed interrupts.
			}
		}
		return CompletableFuture.completedFuture("done");
	}

	@Override
	public String where() {
		return Thread.currentThread().getName();
	}

}
