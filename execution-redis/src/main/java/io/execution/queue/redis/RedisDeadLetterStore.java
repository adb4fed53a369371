package io.execution.queue.redis;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetterStore;
import io.execution.redis.RedisConnections;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;

/**
 * The dead letters of Redis queues: a stream per queue ({@code <prefix>:{q:<queue>}:dead}),
 * listed newest first, requeued with one script (off the dead letters and onto the queue at once)
 * or deleted. An id that is not a stream entry id is never sent to Redis.
 */
final class RedisDeadLetterStore implements DeadLetterStore {

	/** A stream entry id, as dead letters are named. */
	private static final java.util.regex.Pattern DEAD_LETTER_ID = java.util.regex.Pattern.compile("\\d{1,20}-\\d{1,20}");

	private final RedisConnections connections;

	private final RedisQueueSettings settings;

	private final RedisReplies replies;

	RedisDeadLetterStore(RedisConnections connections, RedisQueueSettings settings, RedisReplies replies) {
		this.connections = connections;
		this.settings = settings;
		this.replies = replies;
	}

	@Override
	public List<DeadLetter> list(String queue, int offset, int limit) {
		try {
			List<StreamMessage<String, String>> entries = this.connections.shared()
				.xrevrange(this.settings.deadLetters(queue), Range.create("-", "+"), Limit.create(0, offset + limit))
				.get(10, TimeUnit.SECONDS);
			return entries.stream().skip(offset).map((entry) -> deadLetter(queue, entry)).toList();
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public Optional<DeadLetter> find(String queue, String id) {
		if (!DEAD_LETTER_ID.matcher(id).matches()) {
			return Optional.empty();
		}
		try {
			List<StreamMessage<String, String>> entries = this.connections.shared()
				.xrange(this.settings.deadLetters(queue), Range.create(id, id))
				.get(10, TimeUnit.SECONDS);
			return entries.stream().findFirst().map((entry) -> deadLetter(queue, entry));
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public boolean requeue(String queue, String id, long timeoutMillis) {
		if (!DEAD_LETTER_ID.matcher(id).matches()) {
			return false;
		}
		try {
			Object requeued = RedisScripts.REQUEUE
				.run(this.connections.shared(),
						new String[] { this.settings.deadLetters(queue), this.settings.requests(queue) }, id,
						String.valueOf(timeoutMillis), this.replies.key(), String.valueOf(this.settings.capacity()),
						String.valueOf(this.settings.retention().toMillis()), this.settings.laneBase(queue))
				.get(10, TimeUnit.SECONDS);
			return requeued != null;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			if (String.valueOf(ex.getCause()).contains("QUEUE_FULL")) {
				throw new ExecutionRejectedException("Queue '" + queue + "' is full (execution.queue.capacity): dead"
						+ " letter " + id + " stays where it is");
			}
			throw unreadable(queue, ex);
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	@Override
	public long purge(String queue, String id) {
		var redis = this.connections.shared();
		try {
			if (id == null) {
				long count = redis.xlen(this.settings.deadLetters(queue)).get(10, TimeUnit.SECONDS);
				redis.del(this.settings.deadLetters(queue)).get(10, TimeUnit.SECONDS);
				return count;
			}
			if (!DEAD_LETTER_ID.matcher(id).matches()) {
				return 0;
			}
			return redis.xdel(this.settings.deadLetters(queue), id).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw unreadable(queue, ex);
		}
	}

	private static DeadLetter deadLetter(String queue, StreamMessage<String, String> entry) {
		Map<String, String> fields = entry.getBody();
		int attempts;
		try {
			attempts = Integer.parseInt(fields.getOrDefault("attempts", "1"));
		}
		catch (NumberFormatException ex) {
			attempts = 1;
		}
		long at = Long.parseLong(entry.getId().split("-")[0]);
		return new DeadLetter(queue, entry.getId(), fields.get("id"), null, null, false, fields.get("cause"), attempts,
				java.time.Instant.ofEpochMilli(at), fields.getOrDefault("body", ""));
	}

	private static ExecutionException unreadable(String queue, Exception ex) {
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
		Throwable cause = (ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null)
				? ex.getCause() : ex;
		return new ExecutionRejectedException("The dead letters of queue '" + queue + "' cannot be read or changed in"
				+ " Redis now: " + cause.getMessage(), cause);
	}

}
