package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The jdbc queue backend ({@code execution.queue.backend=jdbc}): calls kept in the application's
 * PostgreSQL database.
 */
@ConfigurationProperties("execution.jdbc")
public class ExecutionJdbcProperties {

	/**
	 * Whether to create the backend's tables when missing: always (at start-up, idempotent DDL
	 * under an advisory lock; handed to the application's Flyway as a repeatable migration when
	 * it runs Flyway), embedded (only on an embedded database, never on PostgreSQL) or never (the
	 * application's migrations hold them: the Flyway location classpath:io/execution/jdbc, or
	 * the Liquibase change log io/execution/jdbc/execution-changelog.yaml); the start then stops
	 * when they are missing or of another version.
	 */
	private InitializeSchema initializeSchema = InitializeSchema.ALWAYS;

	/**
	 * What the backend's tables' and notification channels' names start with.
	 */
	private String tablePrefix = "execution_";

	/**
	 * How long a worker's claim on a call holds without renewal (renewed every third of it)
	 * before another worker takes the call over.
	 */
	private Duration visibilityTimeout = Duration.ofSeconds(30);

	/**
	 * The most times a call is handed to a worker, take-overs included; then it is a dead
	 * letter.
	 */
	private int maxDeliveries = 3;

	/**
	 * How often idle workers and waiting callers look without a notification (calls due later
	 * start within it).
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How long an answer waits for a caller that went away.
	 */
	private Duration retention = Duration.ofMinutes(10);

	public InitializeSchema getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(InitializeSchema initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public String getTablePrefix() {
		return this.tablePrefix;
	}

	public void setTablePrefix(String tablePrefix) {
		this.tablePrefix = tablePrefix;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public int getMaxDeliveries() {
		return this.maxDeliveries;
	}

	public void setMaxDeliveries(int maxDeliveries) {
		this.maxDeliveries = maxDeliveries;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	/** When the backend creates its tables. */
	public enum InitializeSchema {

		/** At every start, when missing (by the application's Flyway when it runs one). */
		ALWAYS,

		/** Only on an embedded database (so never on PostgreSQL): else a migration creates them. */
		EMBEDDED,

		/** Never: the application's migrations create them. */
		NEVER

	}

}
