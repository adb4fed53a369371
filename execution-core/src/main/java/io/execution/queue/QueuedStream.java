package io.execution.queue;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import tools.jackson.databind.JsonNode;

/**
 * The caller's side of a stream that travels on a queue: the chunks a worker sends wait in a
 * buffer until the caller reads them, in order, then the final envelope ends the stream. Each
 * chunk read grants the worker one more ({@link StreamDemand}), so the worker stays at most a
 * window ahead; one that sends past {@code capacity} chunks regardless (it does not heed grants)
 * has its stream failed and cancelled rather than buffered without bound.
 */
final class QueuedStream extends Spliterators.AbstractSpliterator<Object> {

	private static final Object END = new Object();

	private final Invocation invocation;

	private final EnvelopeCodec codec;

	private final int capacity;

	private final LinkedBlockingQueue<Object> buffer = new LinkedBlockingQueue<>();

	private final AtomicInteger chunks = new AtomicInteger();

	private final StreamDemand demand = new StreamDemand();

	private volatile CompletableFuture<Envelope> result;

	private volatile boolean overflowed;

	private Iterator<JsonNode> current;

	private boolean ended;

	QueuedStream(Invocation invocation, EnvelopeCodec codec, int capacity) {
		super(Long.MAX_VALUE, Spliterator.ORDERED);
		this.invocation = invocation;
		this.codec = codec;
		this.capacity = capacity;
	}

	/**
	 * The chunks this caller grants its worker as it reads.
	 * @return the demand
	 */
	StreamDemand demand() {
		return this.demand;
	}

	/**
	 * Follows the final result of the call.
	 * @param result the final result envelope to come
	 */
	void follow(CompletableFuture<Envelope> result) {
		this.result = result;
		result.whenComplete((body, failure) -> this.buffer.add(END));
	}

	/**
	 * Takes a chunk the worker sent.
	 * @param chunk the chunk
	 */
	void chunk(byte[] chunk) {
		if (this.chunks.incrementAndGet() > this.capacity) {
			this.overflowed = true;
			CompletableFuture<Envelope> call = this.result;
			if (call != null) {
				call.cancel(true);
			}
			return;
		}
		this.buffer.add(chunk);
	}

	@Override
	public boolean tryAdvance(Consumer<? super Object> action) {
		while (this.current == null || !this.current.hasNext()) {
			if (this.ended) {
				return false;
			}
			Object next;
			try {
				next = this.buffer.poll(this.invocation.remainingNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				close();
				throw new ExecutionCancelledException("Stream " + this.invocation.method() + " [" + this.invocation.id()
						+ "] was cancelled: the reading thread was interrupted");
			}
			if (next == null) {
				close();
				throw Futures.timeout(this.invocation);
			}
			if (next == END) {
				this.ended = true;
				end();
				return false;
			}
			this.chunks.decrementAndGet();
			this.demand.read();
			this.current = this.codec.mapper().readTree((byte[]) next).path("items").iterator();
		}
		JsonNode item = this.current.next();
		action.accept(item.isNull() ? null : this.invocation.method().elementReader().readValue(item));
		return true;
	}

	/** The final envelope: the end, or the error that ends the stream. */
	private void end() {
		if (this.overflowed) {
			throw new ExecutionRejectedException("Stream " + this.invocation.method() + " [" + this.invocation.id()
					+ "] was cancelled: its reader fell more than " + this.capacity + " chunks behind the worker");
		}
		Envelope body;
		try {
			body = this.result.join();
		}
		catch (RuntimeException ex) {
			throw Futures.propagate(ex);
		}
		this.codec.readResult(body, this.invocation.method());
	}

	/** The caller closed the stream: the worker is cancelled if it still produces. */
	void close() {
		CompletableFuture<Envelope> call = this.result;
		if (call != null && !call.isDone()) {
			call.cancel(true);
		}
	}

}
