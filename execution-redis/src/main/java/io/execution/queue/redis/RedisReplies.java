package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.redis.RedisConnections;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply reader of one caller process: its reply list in Redis, the calls that wait for a
 * reply there, and the streamed calls that wait for chunks. A reply completes its call exactly
 * once; a late or duplicate one finds no call and is dropped.
 */
final class RedisReplies {

	private static final Logger logger = LoggerFactory.getLogger(RedisReplies.class);

	/** Marks a reply that is a chunk of a streamed result, not the final one. */
	static final String CHUNK = "~";

	private final RedisConnections connections;

	/** The process's reply list. */
	private final String key;

	/** Where a failed read is tried again from, shortly after. */
	private final ScheduledExecutorService retries;

	private final BooleanSupplier closed;

	private final Map<String, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();

	private final Map<String, Consumer<byte[]>> chunks = new ConcurrentHashMap<>();

	private volatile RedisClusterAsyncCommands<String, byte[]> connection;

	/**
	 * Makes the reader; it reads from the first call on.
	 * @param connections the Redis connections
	 * @param key the process's reply list
	 * @param retries runs the read again after a failure
	 * @param closed whether the backend closed
	 */
	RedisReplies(RedisConnections connections, String key, ScheduledExecutorService retries, BooleanSupplier closed) {
		this.connections = connections;
		this.key = key;
		this.retries = retries;
		this.closed = closed;
	}

	/** The process's reply list, which workers push replies to. */
	String key() {
		return this.key;
	}

	/**
	 * The future of a request about to be sent: the backend must be open and able to read its
	 * answer. It is forgotten once complete.
	 */
	CompletableFuture<Envelope> expect(String queue, String invocationId) {
		if (this.closed.getAsBoolean()) {
			throw new ExecutionRejectedException("Queue '" + queue + "' is closed: the application is shutting down ["
					+ invocationId + "]");
		}
		try {
			start();
		}
		catch (RuntimeException ex) {
			throw new ExecutionRejectedException("Queue '" + queue + "' is unreachable: cannot connect to Redis ("
					+ ex.getMessage() + "; spring.data.redis.*) [" + invocationId + "]", ex);
		}
		CompletableFuture<Envelope> result = new CompletableFuture<>();
		this.pending.put(invocationId, result);
		result.whenComplete((body, failure) -> this.pending.remove(invocationId, result));
		return result;
	}

	/**
	 * Hands the chunks of a streamed call to a consumer until its call completes.
	 * @param invocationId the call
	 * @param consumer receives each chunk
	 */
	void streaming(String invocationId, Consumer<byte[]> consumer) {
		this.chunks.put(invocationId, consumer);
	}

	/**
	 * Stops handing on a streamed call's chunks.
	 * @param invocationId the call
	 */
	void streamed(String invocationId) {
		this.chunks.remove(invocationId);
	}

	/** Fails every call still waiting: the backend closed. */
	void failWaiting() {
		this.pending.values().forEach((call) -> call.completeExceptionally(new ExecutionRejectedException(
				"The application is shutting down: the call's reply can no longer be received")));
	}

	/** Starts reading, once. */
	void start() {
		if (this.connection == null) {
			synchronized (this) {
				if (this.connection == null && !this.closed.getAsBoolean()) {
					this.connection = this.connections.dedicatedBinary();
					waitForReplies();
				}
			}
		}
	}

	/**
	 * Reads this process's reply list without a thread of its own: each read is issued when the
	 * last one answers, on Lettuce's I/O thread, which completes the waiting callers directly. On
	 * Redis 7 one blocking pop takes up to 256 replies at once ({@code BLMPOP}); on Redis 6.2 a
	 * blocking pop waits for the next reply and, while other calls wait, a pop of up to 256 sent
	 * just after it takes a burst that came in meanwhile. Both answer in the list's order, so a
	 * stream's chunks arrive in the order they were sent.
	 */
	private void waitForReplies() {
		RedisClusterAsyncCommands<String, byte[]> redis = this.connection;
		if (this.closed.getAsBoolean()) {
			this.connections.release(redis);
			return;
		}
		if (this.popsMany) {
			waitForManyReplies(redis);
			return;
		}
		RedisFuture<KeyValue<String, byte[]>> next;
		try {
			next = redis.blpop(REPLY_WAIT_SECONDS, this.key);
		}
		catch (RuntimeException ex) {
			// The connection refused the command outright: try again shortly, as for a failure.
			retryReplies();
			return;
		}
		next.whenComplete((first, failure) -> {
			if (failure != null) {
				if (!this.closed.getAsBoolean()) {
					logger.debug("Reading replies from Redis failed; trying again: {}", failure.toString());
				}
				retryReplies();
				return;
			}
			if (first != null && first.hasValue()) {
				deliver(first.getValue());
				// More replies can only be waiting if other calls or streams are.
				if (!this.closed.getAsBoolean() && (!this.pending.isEmpty() || !this.chunks.isEmpty())) {
					redis.lpop(this.key, 256).thenAccept((more) -> {
						if (more != null) {
							more.forEach(this::deliver);
						}
					});
				}
			}
			waitForReplies();
		});
	}

	/** Whether Redis pops many replies with one blocking command (7.0 on); found out by the first read. */
	private volatile boolean popsMany = true;

	private static final io.lettuce.core.LMPopArgs MANY_REPLIES = io.lettuce.core.LMPopArgs.Builder.left().count(256);

	private void waitForManyReplies(RedisClusterAsyncCommands<String, byte[]> redis) {
		RedisFuture<KeyValue<String, List<byte[]>>> next;
		try {
			next = redis.blmpop(REPLY_WAIT_SECONDS, MANY_REPLIES, this.key);
		}
		catch (RuntimeException ex) {
			retryReplies();
			return;
		}
		next.whenComplete((popped, failure) -> {
			if (failure != null) {
				if (String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("unknown command")) {
					// Redis 6.2: one blocking pop, then a pop of many.
					this.popsMany = false;
					waitForReplies();
					return;
				}
				if (!this.closed.getAsBoolean()) {
					logger.debug("Reading replies from Redis failed; trying again: {}", failure.toString());
				}
				retryReplies();
				return;
			}
			if (popped != null && popped.hasValue()) {
				popped.getValue().forEach(this::deliver);
			}
			waitForReplies();
		});
	}

	private static final long REPLY_WAIT_SECONDS = 1;

	/**
	 * Reads replies again shortly after a failed read, on the backend's own maintenance thread
	 * (which only starts the asynchronous read); nothing once the backend is closed.
	 */
	private void retryReplies() {
		try {
			this.retries.schedule(this::waitForReplies, 100, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: no more replies to wait for.
			this.connections.release(this.connection);
		}
	}

	/**
	 * Completes the call a reply answers: {@code <invocation id>\n<envelope>}, or for a chunk of a
	 * streamed result {@code ~<invocation id>\n<chunk>}.
	 */
	private void deliver(byte[] reply) {
		int newline = -1;
		for (int i = 0; i < reply.length; i++) {
			if (reply[i] == '\n') {
				newline = i;
				break;
			}
		}
		if (newline < 0) {
			return;
		}
		byte[] body = java.util.Arrays.copyOfRange(reply, newline + 1, reply.length);
		if (newline > 0 && reply[0] == CHUNK_MARK) {
			Consumer<byte[]> call = this.chunks.get(new String(reply, 1, newline - 1, StandardCharsets.UTF_8));
			if (call != null) {
				call.accept(body);
			}
			return;
		}
		CompletableFuture<Envelope> call = this.pending.remove(new String(reply, 0, newline, StandardCharsets.UTF_8));
		if (call != null) {
			call.complete(Envelope.of(body));
		}
		// No call: a late or duplicate reply, dropped.
	}

	private static final byte CHUNK_MARK = (byte) CHUNK.charAt(0);

}
