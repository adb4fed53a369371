package io.execution.queue.jdbc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

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
	public byte[] request() {
		return this.request;
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

	@Override
	public void reply(byte[] result) {
		if (this.answered.compareAndSet(false, true)) {
			this.consumer.answer(this, result);
		}
	}

	@Override
	public void abandon(byte[] result, String cause) {
		if (this.answered.compareAndSet(false, true)) {
			this.consumer.deadLetter(this, result, cause);
		}
	}

	@Override
	public String toString() {
		return "JdbcDelivery[" + this.invocationId + ", row " + this.row + "]";
	}

}
