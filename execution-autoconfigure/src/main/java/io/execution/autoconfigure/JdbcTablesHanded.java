package io.execution.autoconfigure;

/**
 * Whether the jdbc backend's tables went to the application's Flyway ({@link JdbcFlywayMigration}):
 * a type without Flyway's, so that an application without Flyway loads it.
 */
final class JdbcTablesHanded {

	private volatile boolean flyway;

	/**
	 * Whether the application's Flyway was configured with the tables (and, the backend depending
	 * on database initialization, has migrated before it starts).
	 * @return {@code true} once handed over
	 */
	boolean toFlyway() {
		return this.flyway;
	}

	void toFlyway(boolean handed) {
		this.flyway = handed;
	}

}
