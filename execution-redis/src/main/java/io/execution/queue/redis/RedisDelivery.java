package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.execution.codec.Envelope;
import io.execution.queue.CancelSignal;
import io.execution.queue.QueueDelivery;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * A request a worker took from a Redis queue. Its reply goes to the caller's reply list, then the
 * request is acknowledged and deleted.
 */
final class RedisDelivery implements QueueDelivery {

	private final RedisQueueConsumer consumer;

	private final String entryId;

	private final String stream;

	private final String invocationId;

	private final byte[] body;

	private final String replyTo;

	private final long deadlineNanos;

	private final Map<String, String> fields;

	private final CancelSignal cancel = new CancelSignal();

	private final boolean takenOver;

	RedisDelivery(RedisQueueConsumer consumer, String stream, String entryId, String invocationId, byte[] body,
			String replyTo, long deadlineNanos, Map<String, String> fields, boolean takenOver) {
		this.stream = stream;
		this.takenOver = takenOver;
		this.consumer = consumer;
		this.entryId = entryId;
		this.invocationId = invocationId;
		this.body = body;
		this.replyTo = replyTo;
		this.deadlineNanos = deadlineNanos;
		this.fields = fields;
	}

	/**
	 * Whether this worker took the request over from one that stopped (so it has a count of
	 * deliveries to forget when done).
	 * @return {@code true} when taken over
	 */
	boolean takenOver() {
		return this.takenOver;
	}

	String entryId() {
		return this.entryId;
	}

	/** The stream the request was read from: the plain one, or the one requests taken from lanes move to. */
	String stream() {
		return this.stream;
	}

	Map<String, String> fields() {
		return this.fields;
	}

	@Override
	public String invocationId() {
		return this.invocationId;
	}

	@Override
	public Envelope request() {
		return Envelope.of(this.body);
	}

	/** The request's JSON as it came from Redis. */
	byte[] body() {
		return this.body;
	}

	@Override
	public long deadlineNanos() {
		return this.deadlineNanos;
	}

	@Override
	public void onCancel(Runnable listener) {
		this.cancel.listen(listener);
	}

	@Override
	public boolean cancelledBeforeStart() {
		RedisQueueBackend backend = this.consumer.backend();
		try {
			Long found = backend.connections().shared()
				.exists(backend.settings().cancelMarker(this.consumer.queue(), this.invocationId))
				.get(5, java.util.concurrent.TimeUnit.SECONDS);
			return found != null && found > 0;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			// Not known: run it; a marker set meanwhile still reaches it through the running check.
			return false;
		}
	}

	void cancelled() {
		this.cancel.fire();
	}

	@Override
	public void sendChunk(byte[] chunk) {
		RedisQueueBackend backend = this.consumer.backend();
		RedisScripts.REPLY.call(backend.connections().shared(), new String[] { this.replyTo },
				String.valueOf(backend.settings().retention().toMillis()), backend.expiries().due(this.replyTo),
				tagged(RedisReplies.CHUNK + this.invocationId, chunk));
	}

	/** The chunks the caller granted, as last read; {@link Long#MAX_VALUE} for a caller that grants nothing. */
	private long granted;

	/**
	 * Waits until the caller granted the chunk, reading its grants from Redis while it has not
	 * (every millisecond at first, then every 20 ms). A grant that is absent or not a number is
	 * a caller that does not grant (an earlier version): the worker sends without waiting.
	 */
	@Override
	public void awaitDemand(long chunk) throws InterruptedException {
		long pause = 1;
		while (chunk > this.granted) {
			String value = this.consumer.backend().credit(this.replyTo, this.invocationId);
			if (value != null) {
				try {
					this.granted = Math.max(this.granted, Long.parseLong(value));
				}
				catch (NumberFormatException ex) {
					this.granted = Long.MAX_VALUE;
				}
				if (chunk <= this.granted) {
					return;
				}
			}
			else if (this.granted == 0) {
				this.granted = Long.MAX_VALUE;
				return;
			}
			Thread.sleep(pause);
			pause = Math.min(20, pause * 2);
		}
	}

	@Override
	public void reply(Envelope result) {
		this.consumer.reply(this, this.replyTo, tagged(this.invocationId, result.bytes()));
	}

	@Override
	public boolean retryLater(byte[] next, long delayMillis, long timeoutMillis) {
		return this.consumer.retryLater(this, next, delayMillis, timeoutMillis);
	}

	String replyTo() {
		return this.replyTo;
	}

	@Override
	public void abandon(Envelope result, String cause) {
		this.consumer.deadLetter(this, this.replyTo, tagged(this.invocationId, result.bytes()), cause, this.body);
	}

	/**
	 * Answers that the call may have run (a worker took it and stopped) and is not run again, and
	 * keeps the request as a dead letter.
	 * @param message what the caller is told
	 * @param cause what the dead letter records
	 */
	void fail(String message, String cause) {
		String json = "{\"v\":1,\"id\":" + quote(this.invocationId)
				+ ",\"ok\":false,\"error\":{\"code\":\"may-have-run\",\"message\":" + quote(message) + "}}";
		this.consumer.deadLetter(this, this.replyTo, tagged(this.invocationId, json.getBytes(StandardCharsets.UTF_8)),
				cause, this.body);
	}

	/** A reply as the caller's list holds it: its tag (the invocation id), a newline, the envelope. */
	static byte[] tagged(String tag, byte[] envelope) {
		byte[] head = tag.getBytes(StandardCharsets.UTF_8);
		byte[] reply = new byte[head.length + 1 + envelope.length];
		System.arraycopy(head, 0, reply, 0, head.length);
		reply[head.length] = '\n';
		System.arraycopy(envelope, 0, reply, head.length + 1, envelope.length);
		return reply;
	}

	/** A JSON string, escaped by Jackson: quotes, backslashes and control characters alike. */
	private static String quote(String text) {
		return "\"" + new String(JsonStringEncoder.getInstance().quoteAsCharArray(text)) + "\"";
	}

}
