package io.execution.deadlines;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Sleeps as long as asked, counting the calls that start and those interrupted before the end. */
@ExecutionService("back")
public class BackService implements Back {

	public final AtomicInteger started = new AtomicInteger();

	public final AtomicInteger interrupted = new AtomicInteger();

	/** When the last interrupted call was interrupted ({@link System#nanoTime()}). */
	public volatile long interruptedAt;

	@Override
	public String sleep(long millis) {
		this.started.incrementAndGet();
		try {
			Thread.sleep(millis);
			return "slept";
		}
		catch (InterruptedException ex) {
			this.interruptedAt = System.nanoTime();
			this.interrupted.incrementAndGet();
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	@Override
	public CompletableFuture<String> sleepAsync(long millis) {
		return CompletableFuture.completedFuture(sleep(millis));
	}

}
