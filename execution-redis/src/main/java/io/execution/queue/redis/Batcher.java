package io.execution.queue.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Sends what many threads ask for to Redis in batches, without waiting to fill one: an item goes
 * out at once when no batch is in flight, and the items that come while one is in flight go
 * together in the next, as soon as it answers (from Lettuce's I/O thread, which writes without a
 * wake-up). A lone caller pays no delay; a busy queue pays one command per batch instead of one
 * per item, which is what lets it get past the rate at which Redis answers single commands.
 *
 * @param <T> the items
 */
final class Batcher<T> {

	private final ConcurrentLinkedQueue<T> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean inFlight = new AtomicBoolean();

	private final Function<List<T>, CompletionStage<?>> sender;

	private final BiConsumer<List<T>, RuntimeException> refused;

	private final int maxItems;

	private final ToIntFunction<T> size;

	private final int maxSize;

	/**
	 * Makes a batcher.
	 * @param sender sends a batch and settles its items; the stage it returns completes when
	 * Redis answered
	 * @param refused settles the items of a batch the sender threw on
	 * @param maxItems the most items in one batch
	 * @param size the size of an item (its bytes, roughly)
	 * @param maxSize the most bytes in one batch (a batch holds at least one item)
	 */
	Batcher(Function<List<T>, CompletionStage<?>> sender, BiConsumer<List<T>, RuntimeException> refused,
			int maxItems, ToIntFunction<T> size, int maxSize) {
		this.sender = sender;
		this.refused = refused;
		this.maxItems = maxItems;
		this.size = size;
		this.maxSize = maxSize;
	}

	/**
	 * Sends an item now, or with the next batch if one is in flight.
	 * @param item the item
	 */
	void add(T item) {
		this.waiting.add(item);
		send();
	}

	private void send() {
		// Whoever releases the flag looks at the queue again, so no item is left behind.
		while (!this.waiting.isEmpty() && this.inFlight.compareAndSet(false, true)) {
			List<T> batch = take();
			if (batch.isEmpty()) {
				this.inFlight.set(false);
				continue;
			}
			CompletionStage<?> sent;
			try {
				sent = this.sender.apply(batch);
			}
			catch (RuntimeException ex) {
				this.inFlight.set(false);
				this.refused.accept(batch, ex);
				continue;
			}
			sent.whenComplete((result, failure) -> {
				this.inFlight.set(false);
				send();
			});
			return;
		}
	}

	private List<T> take() {
		List<T> batch = new ArrayList<>(Math.min(this.maxItems, 16));
		int bytes = 0;
		T next;
		while (batch.size() < this.maxItems && (next = this.waiting.peek()) != null) {
			int itemSize = this.size.applyAsInt(next);
			if (!batch.isEmpty() && bytes + itemSize > this.maxSize) {
				break;
			}
			// Only this thread takes (it holds the flag), so the head is still the item peeked.
			batch.add(this.waiting.poll());
			bytes += itemSize;
		}
		return batch;
	}

	/**
	 * Whether nothing waits or is in flight.
	 * @return {@code true} when idle
	 */
	boolean idle() {
		return this.waiting.isEmpty() && !this.inFlight.get();
	}

	/**
	 * Waits, when the application stops, for what was asked to be sent and answered.
	 * @param timeout the longest wait
	 * @return {@code true} when idle in time
	 */
	boolean awaitIdle(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (!idle()) {
			if (System.nanoTime() - end > 0) {
				return false;
			}
			try {
				Thread.sleep(2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return idle();
			}
		}
		return true;
	}

}
