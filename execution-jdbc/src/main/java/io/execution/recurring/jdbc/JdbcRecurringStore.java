package io.execution.recurring.jdbc;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.execution.ExecutionRejectedException;
import io.execution.queue.jdbc.JdbcQueueSettings;
import io.execution.recurring.RecurringStore;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The recurring calls' latest ticks and pauses in the application's database, one row per
 * call, so that every instance sees the same: a tick is kept only when it is newer than the
 * latest (in one statement), and the newest {@value RecurringStore#HISTORY} are kept.
 */
public final class JdbcRecurringStore implements RecurringStore {

	private final JdbcClient jdbc;

	private final String table;

	/**
	 * Makes the store on tables that exist ({@code JdbcSchema.create}).
	 * @param dataSource the application's data source
	 * @param settings the backend's settings (the table prefix)
	 */
	public JdbcRecurringStore(DataSource dataSource, JdbcQueueSettings settings) {
		this.jdbc = JdbcClient.create(dataSource);
		this.table = settings.table("recurring");
	}

	@Override
	public Optional<Instant> lastDue(String name) {
		List<Instant> recent = recent(name);
		return recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(0));
	}

	@Override
	public void ticked(String name, Instant due) {
		// Newest first, each tick once, whatever order the instances record them in.
		run(name, () -> this.jdbc.sql("INSERT INTO " + this.table + " (name, recent) VALUES (?, ARRAY[?::timestamptz])"
				+ " ON CONFLICT (name) DO UPDATE SET recent = ARRAY(SELECT DISTINCT tick FROM unnest(EXCLUDED.recent || "
				+ this.table + ".recent) tick ORDER BY tick DESC LIMIT " + HISTORY + ") WHERE NOT (EXCLUDED.recent[1] = ANY("
				+ this.table + ".recent))")
			.params(name, Timestamp.from(due))
			.update());
	}

	@Override
	public List<Instant> recent(String name) {
		return run(name, () -> this.jdbc.sql("SELECT recent FROM " + this.table + " WHERE name = ?")
			.param(name)
			.query((row, i) -> instants(row.getArray(1)))
			.optional()
			.orElse(List.of()));
	}

	@Override
	public boolean paused(String name) {
		return run(name, () -> this.jdbc.sql("SELECT paused FROM " + this.table + " WHERE name = ?")
			.param(name)
			.query(Boolean.class)
			.optional()
			.orElse(false));
	}

	@Override
	public void pause(String name, boolean paused) {
		run(name, () -> this.jdbc.sql("INSERT INTO " + this.table + " (name, paused) VALUES (?, ?)"
				+ " ON CONFLICT (name) DO UPDATE SET paused = EXCLUDED.paused")
			.params(name, paused)
			.update());
	}

	private static List<Instant> instants(Array array) throws SQLException {
		List<Instant> instants = new ArrayList<>();
		for (Object each : (Object[]) array.getArray()) {
			instants.add(((Timestamp) each).toInstant());
		}
		return List.copyOf(instants);
	}

	private static <T> T run(String name, java.util.function.Supplier<T> statement) {
		try {
			return statement.get();
		}
		catch (RuntimeException ex) {
			throw new ExecutionRejectedException("Recurring call '" + name + "': its ticks cannot be read or written in"
					+ " the database now: " + ex.getMessage() + " (the database is reached through spring.datasource.*)",
					ex);
		}
	}

}
