package io.execution.async;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionException;
import io.execution.ExecutionTimeoutException;
import io.execution.core.ExecutionTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch: its executions in order, their states read from the store each time.
 *
 * @param <T> the executions' result type
 */
final class ExecutionBatch<T> implements Batch<T> {

	private static final Logger logger = LoggerFactory.getLogger(ExecutionBatch.class);

	private static final long POLL_MILLIS = 200;

	private final String id;

	private final java.util.List<Execution<T>> executions;

	private final DefaultExecutions owner;

	ExecutionBatch(String id, java.util.List<Execution<T>> executions, DefaultExecutions owner) {
		this.id = id;
		this.executions = java.util.List.copyOf(executions);
		this.owner = owner;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public java.util.List<Execution<T>> executions() {
		return this.executions;
	}

	@Override
	public BatchProgress progress() {
		int pending = 0;
		int running = 0;
		int succeeded = 0;
		int failed = 0;
		int cancelled = 0;
		int unknown = 0;
		for (Execution<T> execution : this.executions) {
			Optional<ExecutionRecord> record = this.owner.lookup(execution.id());
			if (record.isEmpty()) {
				unknown++;
				continue;
			}
			switch (record.get().status()) {
				case SCHEDULED, PENDING -> pending++;
				case RUNNING -> running++;
				case SUCCEEDED -> succeeded++;
				case CANCELLED -> cancelled++;
				default -> failed++;
			}
		}
		return new BatchProgress(this.executions.size(), pending, running, succeeded, failed, cancelled, unknown);
	}

	@Override
	public java.util.List<T> await(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		java.util.List<T> results = new java.util.ArrayList<>(this.executions.size());
		for (Execution<T> execution : this.executions) {
			long remaining = Math.max(0, end - System.nanoTime());
			try {
				results.add(execution.await(Duration.ofNanos(remaining)));
			}
			catch (ExecutionTimeoutException ex) {
				throw new ExecutionTimeoutException("Batch " + this.id + " did not finish within the wait of "
						+ timeout + " (" + progress() + "); it goes on", ex);
			}
		}
		return results;
	}

	@Override
	public int cancel() {
		int cancelled = 0;
		// Last first: the items still waiting go before the running ones, whose threads, freed by
		// their cancel, would otherwise take a waiting item not cancelled yet.
		java.util.List<Execution<T>> lastFirst = new java.util.ArrayList<>(this.executions);
		java.util.Collections.reverse(lastFirst);
		for (Execution<T> execution : lastFirst) {
			try {
				if (execution.cancel()) {
					cancelled++;
				}
			}
			catch (ExecutionException ex) {
				logger.debug("Batch {}: execution {} could not be cancelled: {}", this.id, execution.id(),
						ex.getMessage());
			}
		}
		return cancelled;
	}

	@Override
	public CompletableFuture<BatchProgress> whenDone() {
		CompletableFuture<BatchProgress> done = new CompletableFuture<>();
		java.util.List<CompletableFuture<Object>> followed = new java.util.ArrayList<>();
		for (Execution<T> execution : this.executions) {
			CompletableFuture<Object> recorded = this.owner.recorded(execution.id());
			if (recorded == null) {
				followed = null;
				break;
			}
			followed.add(recorded);
		}
		if (followed != null) {
			// Started here and followed: done when each one's end is written.
			CompletableFuture.allOf(followed.stream().map((future) -> future.handle((value, failure) -> value))
				.toArray(CompletableFuture[]::new)).whenComplete((value, failure) -> done.complete(progress()));
			return done;
		}
		check(done);
		return done;
	}

	/** Not followed here: reads the records now and then, on the lookups thread. */
	private void check(CompletableFuture<BatchProgress> done) {
		ExecutionTimer timer = this.owner.timer();
		timer.lookups().execute(() -> {
			try {
				BatchProgress progress = progress();
				if (progress.done()) {
					done.complete(progress);
					return;
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Batch {}: progress could not be read: {}", this.id, ex.toString());
			}
			if (!done.isDone()) {
				timer.scheduler().schedule(() -> check(done), POLL_MILLIS, TimeUnit.MILLISECONDS);
			}
		});
	}

	@Override
	public String toString() {
		return "Batch[" + this.id + ", " + this.executions.size() + " executions]";
	}


}
