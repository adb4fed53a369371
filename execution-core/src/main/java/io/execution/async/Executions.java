package io.execution.async;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts calls of {@code @ExecutionClient} methods as executions: the call returns an id at
 * once, and its status, progress and result are kept by that id (in memory, or in Redis with
 * {@code execution.queue.backend=redis}) for {@code execution.executions.retention}.
 * <pre>
 * Execution&lt;Thumbnail&gt; job = executions.start(() -&gt; thumbnails.render(image, 200));
 * String id = job.id();                         // hand it to anyone
 * ...
 * Thumbnail thumbnail = executions.find(id, Thumbnail.class).orElseThrow().await(Duration.ofMinutes(1));
 * </pre>
 * The lambda must make exactly one call of a client method; that call is not made but started
 * as an execution, on the endpoint and in the mode the service is configured with.
 */
public interface Executions {

	/**
	 * Starts the client call the lambda makes as an execution, with its endpoint's timeout.
	 * @param call a lambda that calls one method of an {@code @ExecutionClient}
	 * @param <T> the result type
	 * @return the execution
	 */
	<T> Execution<T> start(Supplier<T> call);

	/**
	 * Starts the client call the lambda makes as an execution, with its own timeout.
	 * @param timeout the time the execution may take, end to end
	 * @param call a lambda that calls one method of an {@code @ExecutionClient}
	 * @param <T> the result type
	 * @return the execution
	 */
	<T> Execution<T> start(Duration timeout, Supplier<T> call);

	/**
	 * Starts the client call of a method that returns a {@code CompletableFuture<T>} (or
	 * {@code CompletionStage<T>}) as an execution of its result {@code T}.
	 * @param call a lambda that calls one such method of an {@code @ExecutionClient}
	 * @param <T> the result type
	 * @return the execution
	 */
	<T> Execution<T> startAsync(Supplier<? extends java.util.concurrent.CompletionStage<T>> call);

	/**
	 * Starts the client call of a {@code void} method the lambda makes as an execution.
	 * @param call a lambda that calls one method of an {@code @ExecutionClient}
	 * @return the execution
	 */
	Execution<Void> start(Runnable call);

	/**
	 * Finds an execution by id; its result is bound to the result type of the client method
	 * that started it when this application knows that method, else to plain JSON values.
	 * @param id the id
	 * @return the execution, or empty when unknown or expired
	 */
	Optional<Execution<Object>> find(String id);

	/**
	 * Finds an execution by id, binding its result to the given type.
	 * @param id the id
	 * @param resultType the result type
	 * @param <T> the result type
	 * @return the execution, or empty when unknown or expired
	 */
	<T> Optional<Execution<T>> find(String id, Class<T> resultType);

	/**
	 * Starts executions that carry an idempotency key: the first start with a key runs; later
	 * ones, from this process or any other sharing the store, within the retention
	 * ({@code execution.executions.retention}), return that execution instead of starting
	 * another. On Redis the key is claimed atomically.
	 * <pre>{@code
	 * Execution<Receipt> charge = executions.withKey("order-42").start(() -> billing.charge("order-42", 1200));
	 * }</pre>
	 * @param key the key, chosen by the caller (an order id, a request id): 1 to 200 characters
	 * @return starts executions with that key; its {@code find} methods are this one's
	 */
	default Executions withKey(String key) {
		return withKey(key, IfExists.RETURN_EXISTING);
	}

	/**
	 * Starts executions that carry an idempotency key, with the given policy when the key is held.
	 * @param key the key: 1 to 200 characters
	 * @param ifExists return the existing execution, or fail with {@link DuplicateExecutionException}
	 * @return starts executions with that key
	 */
	Executions withKey(String key, IfExists ifExists);

	/**
	 * The execution started with an idempotency key, while its record lives.
	 * @param key the key
	 * @return the execution, or empty when no execution holds the key (never started, or expired)
	 */
	Optional<Execution<Object>> findByKey(String key);

	/**
	 * Lists execution records, newest first, within the retention: by status, service, key and
	 * creation time, one page at a time.
	 * @param query what to list
	 * @return the records
	 */
	java.util.List<ExecutionRecord> list(ExecutionQuery query);

	/**
	 * Cancels every unfinished execution (scheduled, pending or running) that matches a query —
	 * its status, service, key and creation time; its page is ignored: every match counts.
	 * @param query which executions (a status that is finished matches none)
	 * @return how many were cancelled
	 */
	default int cancelAll(ExecutionQuery query) {
		// The matches first, then the cancels: a cancel changes what a status filter would page through.
		java.util.List<String> ids = new java.util.ArrayList<>();
		for (int offset = 0; ids.size() < 100_000; offset += ExecutionQuery.MAX_LIMIT) {
			java.util.List<ExecutionRecord> page = list(query.page(offset, ExecutionQuery.MAX_LIMIT));
			page.stream().filter((record) -> !record.status().isFinished()).map(ExecutionRecord::id).forEach(ids::add);
			if (page.size() < ExecutionQuery.MAX_LIMIT) {
				break;
			}
		}
		int cancelled = 0;
		for (String id : ids) {
			try {
				if (find(id).map(Execution::cancel).orElse(false)) {
					cancelled++;
				}
			}
			catch (io.execution.ExecutionException ex) {
				// Ended meanwhile, or out of reach: not counted.
			}
		}
		return cancelled;
	}

	/**
	 * Starts many executions as one batch: one per item, each as {@link #start(Supplier)} would
	 * (the function calls one client method), in the items' order.
	 * <pre>{@code
	 * Batch<Thumbnail> batch = executions.startAll(images, (image) -> thumbnails.render(image, 200));
	 * batch.progress();                       // pending, running, succeeded, failed, cancelled
	 * List<Thumbnail> all = batch.await(Duration.ofMinutes(5));
	 * }</pre>
	 * @param <I> the item type
	 * @param <T> the result type
	 * @param items the items, one execution each
	 * @param call calls one client method for an item
	 * @return the batch
	 */
	<I, T> Batch<T> startAll(java.util.List<I> items, java.util.function.Function<I, T> call);

	/**
	 * A batch, by id, while its record lives.
	 * @param id the batch's id
	 * @return the batch, or empty when unknown or expired
	 */
	Optional<Batch<Object>> findBatch(String id);

	/**
	 * Starts an execution that runs at an instant: until then it is {@code SCHEDULED}, visible
	 * and cancellable, and it never starts before it is due. Its endpoint must be in queue mode;
	 * on the Redis backend it is durable (it survives restarts of every caller and worker). Its
	 * timeout counts from when it is due.
	 * @param <T> the result type
	 * @param at when it is due
	 * @param call calls one client method
	 * @return the execution
	 */
	<T> Execution<T> startAt(java.time.Instant at, Supplier<T> call);

	/**
	 * Starts an execution that runs after a delay, as {@link #startAt}.
	 * @param <T> the result type
	 * @param delay how long from now it is due
	 * @param call calls one client method
	 * @return the execution
	 */
	default <T> Execution<T> startAfter(Duration delay, Supplier<T> call) {
		return startAt(java.time.Instant.now().plus(delay), call);
	}

	/**
	 * Starts an execution of a {@code void} method that runs at an instant, as
	 * {@link #startAt(java.time.Instant, Supplier)}.
	 * @param at when it is due
	 * @param call calls one client method
	 * @return the execution
	 */
	default Execution<Void> startAt(java.time.Instant at, Runnable call) {
		return startAt(at, () -> {
			call.run();
			return null;
		});
	}

	/**
	 * Starts an execution of a {@code void} method that runs after a delay.
	 * @param delay how long from now it is due
	 * @param call calls one client method
	 * @return the execution
	 */
	default Execution<Void> startAfter(Duration delay, Runnable call) {
		return startAt(java.time.Instant.now().plus(delay), call);
	}

}
