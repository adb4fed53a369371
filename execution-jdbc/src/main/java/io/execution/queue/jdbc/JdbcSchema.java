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
 * instead ({@link #ddl(String)}). The one script, {@value #RESOURCE}, is also a Flyway repeatable
 * migration ({@link #FLYWAY_LOCATION}) and the SQL of the Liquibase change log
 * {@value #LIQUIBASE_CHANGELOG}, its table prefix the placeholder {@value #PLACEHOLDER}.
 */
public final class JdbcSchema {

	/** The version of the tables this code reads and writes. */
	public static final int VERSION = 3;

	/** The DDL, every statement idempotent. */
	public static final String RESOURCE = "io/execution/jdbc/R__execution_tables.sql";

	/** Where Flyway finds the DDL as a repeatable migration (run again when it changes). */
	public static final String FLYWAY_LOCATION = "classpath:io/execution/jdbc";

	/** The Liquibase change log to include from the application's own. */
	public static final String LIQUIBASE_CHANGELOG = "io/execution/jdbc/execution-changelog.yaml";

	/** The placeholder (Flyway) or change log parameter (Liquibase) that holds the table prefix. */
	public static final String PLACEHOLDER = "execution_table_prefix";

	private JdbcSchema() {
	}

	/**
	 * The DDL for PostgreSQL, every statement idempotent ({@code IF NOT EXISTS}).
	 * @param tablePrefix the table prefix
	 * @return the script
	 */
	public static String ddl(String tablePrefix) {
		try (InputStream in = JdbcSchema.class.getResourceAsStream("/" + RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${" + PLACEHOLDER + "}", tablePrefix);
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
		verify(dataSource, tablePrefix);
	}

	/**
	 * Checks that the tables exist at the version this code reads, without changing them (the
	 * application's migrations hold them).
	 * @param dataSource the database
	 * @param tablePrefix the table prefix
	 * @throws IllegalStateException naming what to do when they are missing or of another version
	 */
	public static void verify(DataSource dataSource, String tablePrefix) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Integer version;
		try {
			version = jdbc.queryForObject("SELECT max(version) FROM " + tablePrefix + "schema", Integer.class);
		}
		catch (org.springframework.jdbc.BadSqlGrammarException ex) {
			throw new IllegalStateException("The jdbc queue backend's tables (" + tablePrefix + "call and the others) are"
					+ " missing: set execution.jdbc.initialize-schema=always to create them at start-up, or run "
					+ RESOURCE + " from execution-jdbc in a migration (Flyway: the location " + FLYWAY_LOCATION
					+ "; Liquibase: include " + LIQUIBASE_CHANGELOG + ")", ex);
		}
		if (version == null || version > VERSION) {
			throw new IllegalStateException("The table " + tablePrefix + "schema says version " + version
					+ ", this code reads version " + VERSION + ": upgrade the application or use another"
					+ " execution.jdbc.table-prefix");
		}
		if (version < VERSION) {
			throw new IllegalStateException("The jdbc queue backend's tables (" + tablePrefix + "*) are version " + version
					+ ", this code reads version " + VERSION + ": run the newer " + RESOURCE + " from execution-jdbc in a"
					+ " migration, or set execution.jdbc.initialize-schema=always to bring them up at start-up");
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
