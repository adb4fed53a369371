package io.execution.queue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * How far the worker of a streamed call may run ahead of its caller, counted in chunks: the
 * caller grants {@link #WINDOW} chunks at the start and one more for each chunk it reads; the
 * worker does not start a chunk the caller has not been granted, so a slow caller holds its
 * producer back instead of buffering without bound. On the memory backend the worker waits on
 * this object itself; a backend across processes carries the grant ({@link #onGrant}).
 */
public final class StreamDemand {

	/** The chunks a worker may send before the caller reads any. */
	public static final int WINDOW = 16;

	/** A grant is sent on after this many chunks read, not after each. */
	private static final int GRANT_EVERY = WINDOW / 4;

	private final AtomicLong read = new AtomicLong();

	private volatile LongConsumer listener;

	private volatile boolean waiting;

	/**
	 * The caller read one more chunk.
	 */
	public void read() {
		long chunks = this.read.incrementAndGet();
		if (this.waiting) {
			synchronized (this) {
				notifyAll();
			}
		}
		LongConsumer grants = this.listener;
		if (grants != null && chunks % GRANT_EVERY == 0) {
			grants.accept(granted());
		}
	}

	/**
	 * How many chunks the worker may have sent by now.
	 * @return the chunks granted
	 */
	public long granted() {
		return this.read.get() + WINDOW;
	}

	/**
	 * Hears the grants as the caller reads, to carry them to a worker in another process.
	 * @param listener takes the chunks granted so far
	 */
	public void onGrant(LongConsumer listener) {
		this.listener = listener;
	}

	/**
	 * Waits, on the worker's side in the caller's JVM, until the given chunk may be sent.
	 * @param chunk the chunk's number, counting from 1
	 * @throws InterruptedException when the worker's thread is interrupted (cancel, deadline)
	 */
	public void await(long chunk) throws InterruptedException {
		if (chunk <= granted()) {
			return;
		}
		synchronized (this) {
			this.waiting = true;
			try {
				while (chunk > granted()) {
					wait(TimeUnit.SECONDS.toMillis(1));
				}
			}
			finally {
				this.waiting = false;
			}
		}
	}

}
