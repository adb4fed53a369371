package io.execution.queue.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The backend's tables: the versioned DDL it runs at start-up when allowed
 * ({@code execution.jdbc.initialize-schema}), and that a Flyway or Liquibase migration may hold
 * instead ({@link #ddl(String)}).
 */
public final class JdbcSchema {

	/** The version of the tables this code reads and writes. */
	public static final int VERSION = 3;

	private static final String RESOURCE = "/io/execution/jdbc/schema-postgresql.sql";

	private JdbcSchema() {
	}

	/**
	 * The DDL for PostgreSQL, every statement idempotent ({@code IF NOT EXISTS}).
	 * @param tablePrefix the table prefix
	 * @return the script
	 */
	public static String ddl(String tablePrefix) {
		try (InputStream in = JdbcSchema.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", tablePrefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Creates the tables that are missing, one instance at a time (under an advisory lock, so
	 * that instances starting together do not race on the catalog).
	 * @param dataSource the database
	 * @param tablePrefix the table prefix
	 */
	public static void create(DataSource dataSource, String tablePrefix) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String lock = "hashtext('" + tablePrefix + "schema')";
		jdbc.execute((ConnectionCallback<Void>) (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_advisory_lock(" + lock + ")");
				try {
					for (String ddl : statements(ddl(tablePrefix))) {
						statement.execute(ddl);
					}
				}
				finally {
					statement.execute("SELECT pg_advisory_unlock(" + lock + ")");
				}
			}
			return null;
		});
		Integer version = jdbc.queryForObject("SELECT max(version) FROM " + tablePrefix + "schema", Integer.class);
		if (version == null || version > VERSION) {
			throw new IllegalStateException("The table " + tablePrefix + "schema says version " + version
					+ ", this code reads version " + VERSION + ": upgrade the application or use another"
					+ " execution.jdbc.table-prefix");
		}
	}

	/** The statements of a script: comment lines dropped, split at a semicolon ending a line. */
	static List<String> statements(String script) {
		List<String> statements = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : script.split("\n")) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("--")) {
				continue;
			}
			current.append(line).append('\n');
			if (trimmed.endsWith(";")) {
				String statement = current.toString().strip();
				statements.add(statement.substring(0, statement.length() - 1));
				current.setLength(0);
			}
		}
		if (!current.toString().isBlank()) {
			statements.add(current.toString().strip());
		}
		return statements;
	}

}
