package io.execution.autoconfigure;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.execution.queue.jdbc.JdbcSchema;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;

/**
 * Hands the jdbc queue backend's tables to the application's Flyway: the backend's script joins
 * its migrations as a repeatable one ({@code R__execution_tables.sql} at
 * {@value JdbcSchema#FLYWAY_LOCATION}, run again when a newer library changes it), with the table
 * prefix as the placeholder {@value JdbcSchema#PLACEHOLDER}; it is then in the application's
 * migration history, and the backend does not run DDL itself.
 */
final class JdbcFlywayMigration implements FlywayConfigurationCustomizer {

	private final String tablePrefix;

	private final JdbcTablesHanded handed;

	JdbcFlywayMigration(String tablePrefix, JdbcTablesHanded handed) {
		this.tablePrefix = tablePrefix;
		this.handed = handed;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		Location[] locations = Arrays.copyOf(configuration.getLocations(), configuration.getLocations().length + 1);
		locations[locations.length - 1] = new Location(JdbcSchema.FLYWAY_LOCATION);
		configuration.locations(locations);
		Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
		placeholders.put(JdbcSchema.PLACEHOLDER, this.tablePrefix);
		configuration.placeholders(placeholders);
		this.handed.toFlyway(true);
	}

}
