package io.execution.queue.jdbc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.codec.Envelope;
import io.execution.queue.QueueDelivery;

/**
 * A call a worker claimed: its row, leased to this process until it answers. The answer is
 * written only while the row is still this worker's, so a late answer after a take-over is
 * dropped and a call completes once.
 */
final class JdbcDelivery implements QueueDelivery {

	private final JdbcQueueConsumer consumer;

	private final long row;

	private final String invocationId;

	private final byte[] request;

	private final long deadlineNanos;

	private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();

	private final AtomicBoolean answered = new AtomicBoolean();

	private volatile boolean cancelled;

	JdbcDelivery(JdbcQueueConsumer consumer, long row, String invocationId, byte[] request, long deadlineNanos,
			boolean cancelled) {
		this.consumer = consumer;
		this.row = row;
		this.invocationId = invocationId;
		this.request = request;
		this.deadlineNanos = deadlineNanos;
		this.cancelled = cancelled;
	}

	long row() {
		return this.row;
	}

	@Override
	public String invocationId() {
		return this.invocationId;
	}

	@Override
	public Envelope request() {
		return Envelope.of(this.request);
	}

	@Override
	public long deadlineNanos() {
		return this.deadlineNanos;
	}

	@Override
	public void onCancel(Runnable listener) {
		this.onCancel.add(listener);
		if (this.cancelled) {
			listener.run();
		}
	}

	/** The caller cancelled the call (seen when the lease was renewed). */
	void cancelled() {
		this.cancelled = true;
		this.onCancel.forEach(Runnable::run);
	}

	@Override
	public boolean cancelledBeforeStart() {
		return this.cancelled;
	}

	/** The chunks of a streamed result sent so far. */
	private long sent;

	/** The chunks the caller granted, as last read ({@link Long#MAX_VALUE} for a caller that grants nothing). */
	private long granted;

	/**
	 * Sends a chunk while the call is still this worker's and not cancelled; otherwise the caller
	 * went (or another worker took the call over), and the producer is stopped as on a cancel.
	 */
	@Override
	public void sendChunk(byte[] chunk) {
		if (!this.consumer.chunk(this, ++this.sent, chunk)) {
			cancelled();
		}
	}

	@Override
	public void awaitDemand(long chunk) throws InterruptedException {
		long pause = 1;
		while (chunk > this.granted) {
			Long granted = this.consumer.granted(this);
			if (granted == null) {
				cancelled();
				throw new InterruptedException("Call [" + this.invocationId + "] was cancelled or taken over");
			}
			this.granted = Math.max(this.granted, granted);
			if (chunk <= this.granted) {
				return;
			}
			Thread.sleep(pause);
			pause = Math.min(20, pause * 2);
		}
	}

	@Override
	public void reply(Envelope result) {
		if (this.answered.compareAndSet(false, true)) {
			this.consumer.answer(this, result.bytes());
		}
	}

	@Override
	public boolean retryLater(byte[] next, long delayMillis, long timeoutMillis) {
		if (!this.answered.compareAndSet(false, true)) {
			return false;
		}
		if (this.consumer.retryLater(this, next, delayMillis, timeoutMillis)) {
			return true;
		}
		// Not held: the worker answers the failure instead.
		this.answered.set(false);
		return false;
	}

	@Override
	public void abandon(Envelope result, String cause) {
		if (this.answered.compareAndSet(false, true)) {
			this.consumer.deadLetter(this, result.bytes(), cause);
		}
	}

	@Override
	public String toString() {
		return "JdbcDelivery[" + this.invocationId + ", row " + this.row + "]";
	}

}
