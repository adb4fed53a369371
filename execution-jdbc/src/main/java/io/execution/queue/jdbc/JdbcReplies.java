package io.execution.queue.jdbc;

import io.execution.codec.Envelope;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The caller side: the answers this process waits for. A worker writes an answer to the reply
 * table and notifies this caller's channel; an answer small enough travels in the notification
 * itself and completes its future at once (its row is deleted by the next take), a larger one
 * (or, without a notification, the poll) makes this process take every answer of its own in one
 * statement and complete their futures.
 */
final class JdbcReplies {

	private static final Logger logger = LoggerFactory.getLogger(JdbcReplies.class);

	/**
	 * The notification of an answer, as SQL over the reply row: its invocation id, then (when
	 * it fits the 8000 bytes a notification carries) a space and the answer in base64.
	 */
	static final String NOTICE = "CASE WHEN octet_length(result) <= 5600 THEN invocation_id || ' ' ||"
			+ " encode(result, 'base64') ELSE invocation_id END";

	private final Map<String, CompletableFuture<Envelope>> waiting = new ConcurrentHashMap<>();

	/** The streamed calls' chunk consumers, until their final answer. */
	private final Map<String, java.util.function.Consumer<byte[]>> chunks = new ConcurrentHashMap<>();

	private final JdbcClient jdbc;

	private final String caller;

	private final String take;

	private final Executor fetcher;

	private final AtomicBoolean fetchDue = new AtomicBoolean();

	/** Answers taken from notifications whose rows are still in the table. */
	private final AtomicBoolean unswept = new AtomicBoolean();

	JdbcReplies(JdbcClient jdbc, JdbcQueueSettings settings, String caller, Executor fetcher) {
		this.jdbc = jdbc;
		this.caller = caller;
		this.fetcher = fetcher;
		this.take = "DELETE FROM " + settings.table("reply") + " WHERE caller = ? RETURNING invocation_id, result, seq";
	}

	void expect(String invocationId, CompletableFuture<Envelope> result) {
		this.waiting.put(invocationId, result);
		result.whenComplete((body, failure) -> this.waiting.remove(invocationId, result));
	}

	void forget(String invocationId) {
		this.waiting.remove(invocationId);
	}

	/**
	 * Hands a streamed call's chunks to a consumer, in the order they were sent, until its
	 * final answer (which comes after them).
	 * @param invocationId the call
	 * @param consumer takes each chunk
	 */
	void streaming(String invocationId, java.util.function.Consumer<byte[]> consumer) {
		this.chunks.put(invocationId, consumer);
	}

	/** Stops handing on a streamed call's chunks. */
	void streamed(String invocationId) {
		this.chunks.remove(invocationId);
	}

	/** Whether the poll has answers to take: calls wait, or rows of answers already taken remain. */
	boolean any() {
		return !this.waiting.isEmpty() || this.unswept.get();
	}

	/**
	 * A notification on this caller's channel: the answer it carries completes its call, else
	 * the answers are taken from the table.
	 * @param payload the invocation id and the answer, or only the id, or nothing
	 */
	void notified(String payload) {
		int space = payload.indexOf(' ');
		// A streamed call's answer is taken from the table with its chunks, so that it comes after them.
		if (space > 0 && !this.chunks.containsKey(payload.substring(0, space))) {
			CompletableFuture<Envelope> result = this.waiting.remove(payload.substring(0, space));
			if (result != null) {
				try {
					byte[] body = java.util.Base64.getMimeDecoder().decode(payload.substring(space + 1));
					result.complete(Envelope.of(body));
					this.unswept.set(true);
					return;
				}
				catch (IllegalArgumentException ex) {
					this.waiting.put(payload.substring(0, space), result);
				}
			}
			return;
		}
		fetchSoon();
	}

	/** Takes this caller's answers soon, on the fetching thread (once however many ask meanwhile). */
	void fetchSoon() {
		if (this.fetchDue.compareAndSet(false, true)) {
			try {
				this.fetcher.execute(this::fetch);
			}
			catch (RuntimeException ex) {
				this.fetchDue.set(false);
			}
		}
	}

	/** Takes this caller's answers and completes their futures; answers no one waits for are dropped. */
	void fetch() {
		this.fetchDue.set(false);
		this.unswept.set(false);
		try {
			List<Reply> replies = new ArrayList<>(this.jdbc.sql(this.take).param(this.caller).query((row, i) -> {
				String invocationId = row.getString(1);
				byte[] body = row.getBytes(2);
				long seq = row.getLong(3);
				return new Reply(invocationId, body, row.wasNull() ? Long.MAX_VALUE : seq);
			}).list());
			// Each stream's chunks in the order sent, its final answer last.
			replies.sort(Comparator.comparingLong(Reply::seq));
			for (Reply reply : replies) {
				if (reply.seq() != Long.MAX_VALUE) {
					java.util.function.Consumer<byte[]> stream = this.chunks.get(reply.invocationId());
					if (stream != null) {
						stream.accept(reply.body());
					}
					continue;
				}
				CompletableFuture<Envelope> result = this.waiting.remove(reply.invocationId());
				if (result != null) {
					result.complete(Envelope.of(reply.body()));
				}
			}
		}
		catch (RuntimeException ex) {
			// The next notification or poll takes them.
			logger.debug("Taking answers failed: {}", ex.toString());
		}
	}

	/** An answer or a chunk ({@code seq} {@link Long#MAX_VALUE} for an answer). */
	private record Reply(String invocationId, byte[] body, long seq) {
	}

	/** Fails every call still waiting: the backend closes. */
	void failAll(RuntimeException cause) {
		this.waiting.values().forEach((result) -> result.completeExceptionally(cause));
		this.waiting.clear();
	}

}
