package io.execution.queue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's consumer that takes nothing while its queue is paused ({@link QueueBackend#paused}),
 * for every backend alike: the pause is read at most every {@value #REFRESH_MILLIS} ms per pool
 * (a pause reaches every worker within that), and a backend that cannot say keeps the last answer.
 */
public final class PausableConsumer implements QueueConsumer {

	private static final Logger logger = LoggerFactory.getLogger(PausableConsumer.class);

	/** How often a pool asks whether its queue is paused. */
	static final long REFRESH_MILLIS = 250;

	/**
	 * How long after a pause is written every live pool has seen it and ended any take begun
	 * before: one look, and one take's wait (the worker's poll, 100 ms), with a margin.
	 */
	static final long SETTLE_MILLIS = REFRESH_MILLIS + 200;

	private final QueueConsumer consumer;

	private final BooleanSupplier paused;

	private final String queue;

	private volatile boolean pausedNow;

	private volatile long checkedAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS);

	/**
	 * Gates a consumer.
	 * @param queue the queue, for the log
	 * @param consumer the backend's consumer
	 * @param paused whether the queue is paused now
	 */
	public PausableConsumer(String queue, QueueConsumer consumer, BooleanSupplier paused) {
		this.queue = queue;
		this.consumer = consumer;
		this.paused = paused;
	}

	@Override
	public QueueDelivery take(Duration wait) throws InterruptedException {
		if (paused()) {
			// Paused: nothing is taken; the thread looks again shortly, as an idle take would.
			Thread.sleep(Math.max(1, Math.min(wait.toMillis(), REFRESH_MILLIS)));
			return null;
		}
		QueueDelivery delivery = this.consumer.take(wait);
		// A take begun before a pause was seen (a thread that stalled between its look and its
		// take) may bring a call in after it: held here, not run, until the queue resumes or the
		// call's deadline passes. The look costs nothing new: at most one read per refresh.
		while (delivery != null && paused() && delivery.deadlineNanos() - System.nanoTime() > 0) {
			Thread.sleep(HOLD_MILLIS);
		}
		return delivery;
	}

	/** How often a call held by a pause looks whether the queue resumed. */
	private static final long HOLD_MILLIS = 50;

	private boolean paused() {
		long now = System.nanoTime();
		if (now - this.checkedAt >= TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS)) {
			synchronized (this) {
				if (now - this.checkedAt >= TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS)) {
					boolean was = this.pausedNow;
					try {
						this.pausedNow = this.paused.getAsBoolean();
					}
					catch (RuntimeException ex) {
						logger.debug("Whether queue '{}' is paused could not be read; as before: {}", this.queue, ex.toString());
					}
					if (was != this.pausedNow) {
						logger.info("Queue '{}' {}", this.queue, this.pausedNow ? "is paused: its pool takes no call"
								: "is resumed: its pool takes calls again");
					}
					this.checkedAt = System.nanoTime();
				}
			}
		}
		return this.pausedNow;
	}

	@Override
	public void close() {
		this.consumer.close();
	}

}
