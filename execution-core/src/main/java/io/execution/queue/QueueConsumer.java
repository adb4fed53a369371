package io.execution.queue;

import java.time.Duration;

/**
 * The worker side of one queue.
 */
public interface QueueConsumer extends AutoCloseable {

	/**
	 * Takes the next request, waiting up to {@code wait} for one.
	 * @param wait how long to wait
	 * @return the delivery, or {@code null} if none came in time
	 * @throws InterruptedException when the worker thread is interrupted
	 */
	QueueDelivery take(Duration wait) throws InterruptedException;

	/**
	 * Stops taking requests. The default does nothing.
	 */
	@Override
	default void close() {
	}

}
