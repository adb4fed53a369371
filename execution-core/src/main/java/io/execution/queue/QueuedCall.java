package io.execution.queue;

import io.execution.codec.Envelope;

import java.util.function.Consumer;

/**
 * One call put on a queue: everything a backend needs to carry it, in one value, so that the
 * backend SPI grows by a field here rather than by one more overload. A backend moves the bytes
 * and reports how the call ended; the policies around it (deadline, breaker, fallback, retries)
 * are the dispatcher's.
 *
 * @param queue the queue
 * @param invocationId the invocation id, which the result envelope carries back
 * @param request the request envelope: bytes, or tokens for a backend in the caller's JVM
 * ({@link QueueBackend#inJvm()})
 * @param deadlineNanos when the caller stops waiting ({@link System#nanoTime()} time)
 * @param idempotent whether the method may run again after a worker died mid-call
 * @param lane its priority, fairness key and the worker tags it requires
 * @param delayMillis how long it waits before it is due; 0 for now
 * @param timeoutMillis for a call due later, the time it may take once due
 * @param chunks for a streamed call, receives each chunk of its elements as it comes;
 * {@code null} for a plain call
 * @param demand for a streamed call, the chunks its caller grants its worker as it reads; {@code null}
 * when the worker may send without waiting
 * @param awaited whether its caller's thread blocks until it answers (a synchronous call): a
 * backend that queues inside the caller's transaction refuses such a call there, as it would wait
 * for a commit that waits for it
 */
public record QueuedCall(String queue, String invocationId, Envelope request, long deadlineNanos, boolean idempotent,
		QueueLane lane, long delayMillis, long timeoutMillis, Consumer<byte[]> chunks, StreamDemand demand, boolean awaited) {

	/**
	 * Checks the parts.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope
	 * @param deadlineNanos the deadline
	 * @param idempotent whether idempotent
	 * @param lane the lane, {@code null} for the default one
	 * @param delayMillis the delay
	 * @param timeoutMillis the timeout once due
	 * @param chunks the chunk consumer, or {@code null}
	 * @param demand the caller's grants, or {@code null}
	 * @param awaited whether the caller's thread waits for it
	 */
	public QueuedCall {
		if (request == null) {
			throw new IllegalArgumentException("A queued call needs its request envelope");
		}
		lane = (lane != null) ? lane : QueueLane.DEFAULT;
		if (delayMillis < 0 || timeoutMillis < 0) {
			throw new IllegalArgumentException("A queued call's delay and timeout cannot be negative (were "
					+ delayMillis + " ms and " + timeoutMillis + " ms)");
		}
	}

	/**
	 * A call due now, in the default lane.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @param request the request envelope's JSON
	 * @param deadlineNanos when the caller stops waiting
	 * @param idempotent whether the method may run again
	 * @return the call
	 */
	public static QueuedCall of(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent) {
		return new QueuedCall(queue, invocationId, Envelope.of(request), deadlineNanos, idempotent,
				QueueLane.DEFAULT, 0, 0, null, null, false);
	}

	/**
	 * This call in another lane.
	 * @param lane the lane
	 * @return the call
	 */
	public QueuedCall in(QueueLane lane) {
		return new QueuedCall(this.queue, this.invocationId, this.request, this.deadlineNanos, this.idempotent, lane,
				this.delayMillis, this.timeoutMillis, this.chunks, this.demand, this.awaited);
	}

	/**
	 * This call, due later.
	 * @param delayMillis how long from now it is due
	 * @param timeoutMillis the time it may take once due
	 * @return the call
	 */
	public QueuedCall dueIn(long delayMillis, long timeoutMillis) {
		return new QueuedCall(this.queue, this.invocationId, this.request, this.deadlineNanos, this.idempotent,
				this.lane, delayMillis, timeoutMillis, this.chunks, this.demand, this.awaited);
	}

	/**
	 * This call, its result streamed.
	 * @param chunks receives each chunk as it comes
	 * @return the call
	 */
	public QueuedCall streaming(Consumer<byte[]> chunks) {
		return streaming(chunks, null);
	}

	/**
	 * This call, its result streamed as its caller asks for it.
	 * @param chunks receives each chunk as it comes
	 * @param demand the chunks the caller grants as it reads, or {@code null} for no waiting
	 * @return the call
	 */
	public QueuedCall streaming(Consumer<byte[]> chunks, StreamDemand demand) {
		return new QueuedCall(this.queue, this.invocationId, this.request, this.deadlineNanos, this.idempotent,
				this.lane, this.delayMillis, this.timeoutMillis, chunks, demand, this.awaited);
	}

	/**
	 * This call, its caller's thread waiting for the answer.
	 * @return the call
	 */
	public QueuedCall awaitedByCaller() {
		return new QueuedCall(this.queue, this.invocationId, this.request, this.deadlineNanos, this.idempotent,
				this.lane, this.delayMillis, this.timeoutMillis, this.chunks, this.demand, true);
	}

	/**
	 * Whether it waits before it is due.
	 * @return {@code true} for a call due later
	 */
	public boolean later() {
		return this.delayMillis > 0;
	}

	/**
	 * Whether its result is streamed.
	 * @return {@code true} when chunks are expected
	 */
	public boolean streamed() {
		return this.chunks != null;
	}

	@Override
	public String toString() {
		return "QueuedCall[" + this.queue + " " + this.invocationId + (later() ? ", due in " + this.delayMillis + " ms" : "")
				+ (this.lane.isDefault() ? "" : ", " + this.lane) + (streamed() ? ", streamed" : "") + "]";
	}

}
