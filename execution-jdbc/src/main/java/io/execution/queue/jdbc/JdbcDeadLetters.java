package io.execution.queue.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.execution.ExecutionRejectedException;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetterStore;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dead letters of the jdbc backend: rows of {@code <prefix>dead_letter}. A requeue moves
 * the row back to the call table in one statement (so two operators cannot both requeue it),
 * with a fresh deadline, and wakes the queue's workers; its answer goes to the requeuing
 * backend, which no caller waits on (an execution's record is reopened and completed by its
 * worker).
 */
final class JdbcDeadLetters implements DeadLetterStore {

	private static final String COLUMNS = "id, invocation_id, cause, attempts, at, request";

	private final JdbcClient jdbc;

	private final String table;

	private final String requeue;

	private final String callerId;

	private final String channel;

	JdbcDeadLetters(JdbcClient jdbc, JdbcQueueSettings settings, String callerId) {
		this.jdbc = jdbc;
		this.table = settings.table("dead_letter");
		this.callerId = callerId;
		this.channel = settings.workChannel();
		this.requeue = "WITH moved AS (DELETE FROM " + this.table + " WHERE queue = ? AND id = ? RETURNING *),"
				+ " queued AS (INSERT INTO " + settings.table("call") + " (queue, invocation_id, request, idempotent,"
				+ " priority, fairness_key, requires, due, deadline, caller) SELECT queue, invocation_id, request,"
				+ " idempotent, priority, fairness_key, requires, clock_timestamp(), clock_timestamp() + ?"
				+ " * interval '1 millisecond', ? FROM moved RETURNING queue) SELECT pg_notify(?, queue) FROM queued";
	}

	@Override
	public List<DeadLetter> list(String queue, int offset, int limit) {
		return read(queue, () -> this.jdbc
			.sql("SELECT " + COLUMNS + " FROM " + this.table + " WHERE queue = ? ORDER BY id DESC OFFSET ? LIMIT ?")
			.params(queue, Math.max(0, offset), Math.max(0, limit))
			.query(letter(queue))
			.list());
	}

	@Override
	public Optional<DeadLetter> find(String queue, String id) {
		Long row = row(id);
		if (row == null) {
			return Optional.empty();
		}
		return read(queue, () -> this.jdbc.sql("SELECT " + COLUMNS + " FROM " + this.table + " WHERE queue = ? AND id = ?")
			.params(queue, row)
			.query(letter(queue))
			.optional());
	}

	@Override
	public boolean requeue(String queue, String id, long timeoutMillis) {
		Long row = row(id);
		if (row == null) {
			return false;
		}
		return read(queue, () -> !this.jdbc.sql(this.requeue)
			.params(queue, row, Math.max(1, timeoutMillis), this.callerId, this.channel)
			.query((rs, i) -> 1)
			.list()
			.isEmpty());
	}

	@Override
	public long purge(String queue, String id) {
		if (id == null) {
			return read(queue, () -> (long) this.jdbc.sql("DELETE FROM " + this.table + " WHERE queue = ?")
				.param(queue)
				.update());
		}
		Long row = row(id);
		if (row == null) {
			return 0;
		}
		return read(queue, () -> (long) this.jdbc.sql("DELETE FROM " + this.table + " WHERE queue = ? AND id = ?")
			.params(queue, row)
			.update());
	}

	/** How many a queue keeps. */
	long count(String queue) {
		return read(queue, () -> this.jdbc.sql("SELECT count(*) FROM " + this.table + " WHERE queue = ?")
			.param(queue)
			.query(Long.class)
			.single());
	}

	/** A dead letter's id is its row number; anything else names none. */
	private static Long row(String id) {
		if (id == null || id.isEmpty() || id.length() > 19 || !id.chars().allMatch(Character::isDigit)) {
			return null;
		}
		return Long.valueOf(id);
	}

	private static RowMapper<DeadLetter> letter(String queue) {
		return (rs, i) -> new DeadLetter(queue, String.valueOf(rs.getLong(1)), rs.getString(2), null, null, false,
				rs.getString(3), rs.getInt(4), rs.getTimestamp(5).toInstant(),
				new String(rs.getBytes(6), StandardCharsets.UTF_8));
	}

	private static <T> T read(String queue, java.util.function.Supplier<T> query) {
		try {
			return query.get();
		}
		catch (RuntimeException ex) {
			throw new ExecutionRejectedException("The dead letters of queue '" + queue + "' cannot be read or changed in"
					+ " the database now: " + ex.getMessage(), ex);
		}
	}

}
