package io.execution.async.jdbc;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import javax.sql.DataSource;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.async.ExecutionChange;
import io.execution.async.ExecutionQuery;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.ExecutionStore;
import io.execution.queue.jdbc.JdbcQueueSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Execution records in the application's database, seen by every instance: each record a row
 * holding its JSON ({@link ExecutionRecord#toJson()}) and its version. A change reads the row,
 * applies the one state table ({@link ExecutionChange}) and the record's own transition, and
 * writes it back only if the version is still the one read (else it reads again), so the first
 * final state written wins, as on the other stores, without holding a lock between statements.
 * A record created inside the application's transaction is written with it.
 */
public final class JdbcExecutionStore implements ExecutionStore {

	/** How many rows one listing reads at most, newest first, before it stops looking. */
	private static final int LIST_SCAN_LIMIT = 10_000;

	/** Changes that lost a race read the row again this many times before giving up. */
	private static final int ATTEMPTS = 20;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final Duration retention;

	private final String executions;

	private final String keys;

	private final String batches;

	/**
	 * Makes the store on tables that exist ({@code JdbcSchema.create}).
	 * @param dataSource the application's data source (its transactions are joined)
	 * @param settings the backend's settings (the table prefix)
	 * @param retention how long a record lives after its last change
	 */
	public JdbcExecutionStore(DataSource dataSource, JdbcQueueSettings settings, Duration retention) {
		this.jdbc = JdbcClient.create(dataSource);
		this.retention = retention;
		this.executions = settings.table("execution");
		this.keys = settings.table("execution_key");
		this.batches = settings.table("batch");
	}

	@Override
	public String name() {
		return "jdbc";
	}

	@Override
	public Duration retention() {
		return this.retention;
	}

	@Override
	public boolean create(ExecutionRecord record) {
		Instant created = (record.createdAt() != null) ? record.createdAt() : Instant.now();
		// An expired row is as good as none.
		return write(record.id(), () -> this.jdbc.sql("INSERT INTO " + this.executions + " (id, record, version, status,"
				+ " created, expires) VALUES (?, ?, ?, ?, ?, clock_timestamp() + ? * interval '1 millisecond')"
				+ " ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, version = EXCLUDED.version,"
				+ " status = EXCLUDED.status, created = EXCLUDED.created, reported_at = NULL, expires = EXCLUDED.expires"
				+ " WHERE " + this.executions + ".expires <= clock_timestamp()")
			.params(record.id(), json(record), record.version(), record.status().name(), Timestamp.from(created),
					this.retention.toMillis())
			.update()) == 1;
	}

	@Override
	public Optional<ExecutionRecord> find(String id) {
		return read(id).map(Row::record);
	}

	private Optional<Row> read(String id) {
		return write(id, () -> this.jdbc.sql("SELECT record, version, reported_at FROM " + this.executions
				+ " WHERE id = ? AND expires > clock_timestamp()")
			.param(id)
			.query((row, i) -> {
				Timestamp reported = row.getTimestamp(3);
				return new Row(ExecutionRecord.fromJson(JSON.readTree(row.getString(1))), row.getLong(2),
						(reported != null) ? reported.toInstant() : null);
			})
			.optional());
	}

	@Override
	public void running(String id, String worker, Instant at) {
		change(id, ExecutionChange.RUNNING, (record, reported) -> record.running(worker, at), false, null);
	}

	@Override
	public void progress(String id, double fraction, String message, Instant at) {
		boolean moved = !Double.isNaN(fraction);
		change(id, ExecutionChange.PROGRESS, (record, reported) -> record.reported(fraction, message, at, reported),
				moved, at);
	}

	@Override
	public void located(String id, String location) {
		change(id, ExecutionChange.LOCATED, (record, reported) -> record.at(location), false, null);
	}

	@Override
	public void retrying(String id, ExecutionRecord.Attempt attempt) {
		change(id, ExecutionChange.RETRY, (record, reported) -> record.retrying(attempt), false, null);
	}

	@Override
	public boolean finish(String id, ExecutionStatus status, JsonNode result, ExecutionRecord.Error error, Instant at) {
		return change(id, ExecutionChange.FINISH, (record, reported) -> record.finished(status, result, error, at), false,
				null);
	}

	@Override
	public boolean reopen(String id) {
		return change(id, ExecutionChange.REOPEN, (record, reported) -> record.reopened(), false, null);
	}

	/**
	 * Makes a change the state table allows from the record's state, written only over the
	 * version it was made from.
	 */
	private boolean change(String id, ExecutionChange kind, BiFunction<ExecutionRecord, Instant, ExecutionRecord> change,
			boolean reported, Instant reportedAt) {
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			Optional<Row> row = read(id);
			if (row.isEmpty() || !kind.appliesTo(row.get().record().status())) {
				return false;
			}
			ExecutionRecord next = change.apply(row.get().record(), row.get().reportedAt());
			Instant keptReport = reported ? reportedAt : row.get().reportedAt();
			int written = write(id, () -> this.jdbc.sql("UPDATE " + this.executions + " SET record = ?, version = ?,"
					+ " status = ?, reported_at = ?, expires = clock_timestamp() + ? * interval '1 millisecond'"
					+ " WHERE id = ? AND version = ?")
				.params(json(next), next.version(), next.status().name(),
						(keptReport != null) ? Timestamp.from(keptReport) : null, this.retention.toMillis(), id,
						row.get().version())
				.update());
			if (written == 1) {
				return true;
			}
		}
		throw new ExecutionRejectedException("Execution " + id + ": its record changed " + ATTEMPTS
				+ " times while one change was being written; this change was not made");
	}

	@Override
	public Optional<String> claim(String key, String id) {
		for (int attempt = 0; attempt < 3; attempt++) {
			Optional<String> claimed = write(id, () -> this.jdbc.sql("INSERT INTO " + this.keys + " (key, id, expires)"
					+ " VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond') ON CONFLICT (key) DO UPDATE"
					+ " SET id = EXCLUDED.id, expires = EXCLUDED.expires WHERE " + this.keys
					+ ".expires <= clock_timestamp() RETURNING id")
				.params(key, id, this.retention.toMillis())
				.query(String.class)
				.optional());
			if (claimed.isPresent()) {
				return Optional.empty();
			}
			Optional<String> holder = holder(key);
			if (holder.isPresent()) {
				return holder;
			}
			// Expired between the two statements: try again.
		}
		throw new ExecutionRejectedException("Idempotency key '" + key + "' could not be claimed: it expired and was"
				+ " taken again three times in a row");
	}

	@Override
	public Optional<String> holder(String key) {
		return write(null, () -> this.jdbc.sql("SELECT id FROM " + this.keys + " WHERE key = ? AND expires > clock_timestamp()")
			.param(key)
			.query(String.class)
			.optional());
	}

	@Override
	public boolean reclaim(String key, String from, String to) {
		return write(to, () -> this.jdbc.sql("UPDATE " + this.keys + " SET id = ?, expires = clock_timestamp() + ?"
				+ " * interval '1 millisecond' WHERE key = ? AND id = ?")
			.params(to, this.retention.toMillis(), key, from)
			.update()) == 1;
	}

	@Override
	public List<ExecutionRecord> list(ExecutionQuery query) {
		List<ExecutionRecord> page = new ArrayList<>();
		int skipped = 0;
		Timestamp since = Timestamp.from((query.since() != null) ? query.since() : Instant.EPOCH);
		Timestamp until = Timestamp.from((query.until() != null) ? query.until() : Instant.parse("9999-12-31T00:00:00Z"));
		for (int read = 0; page.size() < query.limit() && read < LIST_SCAN_LIMIT; read += 200) {
			int offset = read;
			List<ExecutionRecord> rows = write(null, () -> this.jdbc.sql("SELECT record FROM " + this.executions
					+ " WHERE expires > clock_timestamp() AND created >= ? AND created < ?"
					+ (query.status() != null ? " AND status = '" + query.status().name() + "'" : "")
					+ " ORDER BY created DESC, id OFFSET ? LIMIT 200")
				.params(since, until, offset)
				.query((row, i) -> ExecutionRecord.fromJson(JSON.readTree(row.getString(1))))
				.list());
			for (ExecutionRecord record : rows) {
				if (!query.matches(record)) {
					continue;
				}
				if (skipped < query.offset()) {
					skipped++;
				}
				else if (page.size() < query.limit()) {
					page.add(record);
				}
			}
			if (rows.size() < 200) {
				break;
			}
		}
		return page;
	}

	@Override
	public void createBatch(String id, List<String> executions) {
		write(id, () -> this.jdbc.sql("INSERT INTO " + this.batches + " (id, executions, expires) VALUES (?, ?,"
				+ " clock_timestamp() + ? * interval '1 millisecond') ON CONFLICT (id) DO UPDATE"
				+ " SET executions = EXCLUDED.executions, expires = EXCLUDED.expires")
			.params(id, executions.toArray(String[]::new), this.retention.toMillis())
			.update());
	}

	@Override
	public Optional<List<String>> findBatch(String id) {
		return write(id, () -> this.jdbc.sql("SELECT executions FROM " + this.batches
				+ " WHERE id = ? AND expires > clock_timestamp()")
			.param(id)
			.query((row, i) -> List.of((String[]) row.getArray(1).getArray()))
			.optional());
	}

	/**
	 * Deletes what outlived the retention, a thousand rows of each table at a time, so that the
	 * tables stay bounded; the backend's upkeep calls it every minute.
	 * @return how many rows were deleted
	 */
	public int sweep() {
		int deleted = 0;
		for (String table : List.of(this.executions, this.keys, this.batches)) {
			String id = table.equals(this.keys) ? "key" : "id";
			deleted += write(null, () -> this.jdbc.sql("DELETE FROM " + table + " WHERE " + id + " IN (SELECT " + id
					+ " FROM " + table + " WHERE expires <= clock_timestamp() LIMIT 1000)")
				.update());
		}
		return deleted;
	}

	private static String json(ExecutionRecord record) {
		return JSON.writeValueAsString(record.toJson());
	}

	private static <T> T write(String id, java.util.function.Supplier<T> statement) {
		try {
			return statement.get();
		}
		catch (ExecutionException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new ExecutionRejectedException("Execution records in the database cannot be read or written now"
					+ ((id != null) ? " (" + id + ")" : "") + ": " + ex.getMessage()
					+ " (the database is reached through spring.datasource.*)", ex);
		}
	}

	/** A record as read, with the version its change is written over. */
	private record Row(ExecutionRecord record, long version, Instant reportedAt) {
	}

}
