package io.execution.queue.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDBC backend's versioned DDL on a real PostgreSQL: created by instances starting at once
 * without a race, run again without harm, under a chosen prefix, refused when the tables are
 * newer than the code; bad settings name the property to fix.
 */
class JdbcSchemaTest {

	private static TestPostgres postgres;

	private static DriverManagerDataSource dataSource;

	@BeforeAll
	static void start() {
		postgres = TestPostgres.start();
		dataSource = new DriverManagerDataSource(postgres.url(), "postgres", "");
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	@Test
	void instancesStartingTogetherCreateTheTablesOnceAndAgainDoesNoHarm() {
		List<CompletableFuture<Void>> starts = List.of(
				CompletableFuture.runAsync(() -> JdbcSchema.create(dataSource, "together_")),
				CompletableFuture.runAsync(() -> JdbcSchema.create(dataSource, "together_")),
				CompletableFuture.runAsync(() -> JdbcSchema.create(dataSource, "together_")));
		starts.forEach(CompletableFuture::join);
		JdbcSchema.create(dataSource, "together_");
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		assertThat(jdbc.queryForList("SELECT tablename FROM pg_tables WHERE tablename LIKE 'together\\_%' ORDER BY 1",
				String.class))
			.containsExactly("together_batch", "together_call", "together_dead_letter", "together_execution",
					"together_execution_key", "together_key_rate", "together_lane", "together_level", "together_queue", "together_recurring",
					"together_reply", "together_result", "together_schema", "together_worker");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM together_schema", Integer.class)).isEqualTo(1);
		assertThat(jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE tablename = 'together_call'", String.class))
			.contains("together_call_waiting", "together_call_leased", "together_call_keyed", "together_call_invocation");
	}

	@Test
	void tablesOfAnEarlierVersionGetTheLaterVersionsTablesAndVersion() {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		JdbcSchema.create(dataSource, "older_");
		jdbc.update("DROP TABLE older_execution, older_execution_key, older_batch, older_recurring, older_lane, older_queue, older_worker,"
				+ " older_level, older_result, older_key_rate");
		jdbc.update("UPDATE older_schema SET version = 1");
		JdbcSchema.create(dataSource, "older_");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'older\\_%'", Integer.class))
			.isEqualTo(14);
		assertThat(jdbc.queryForObject("SELECT version FROM older_schema", Integer.class)).isEqualTo(JdbcSchema.VERSION);
	}

	@Test
	void tablesNewerThanTheCodeStopTheStartNamingWhatToDo() {
		JdbcSchema.create(dataSource, "newer_");
		new JdbcTemplate(dataSource).update("UPDATE newer_schema SET version = 99");
		assertThatThrownBy(() -> JdbcSchema.create(dataSource, "newer_")).hasMessageContaining("version 99")
			.hasMessageContaining("execution.jdbc.table-prefix");
	}

	@Test
	void theScriptSplitsIntoItsStatements() {
		List<String> statements = JdbcSchema.statements(JdbcSchema.ddl("x_"));
		assertThat(statements).allSatisfy((statement) -> assertThat(statement).doesNotContain("--").doesNotEndWith(";"));
		assertThat(statements).anySatisfy((statement) -> assertThat(statement).startsWith("CREATE TABLE IF NOT EXISTS x_call"));
		assertThat(JdbcSchema.ddl("x_")).doesNotContain("${prefix}");
	}

	@Test
	void badSettingsNameTheProperty() {
		assertThatThrownBy(() -> new JdbcQueueSettings("Bad-Prefix", Duration.ofSeconds(30), 3, Duration.ofSeconds(1),
				Duration.ofMinutes(10), null)).hasMessageContaining("execution.jdbc.table-prefix");
		assertThatThrownBy(() -> new JdbcQueueSettings("ok_", Duration.ZERO, 3, Duration.ofSeconds(1),
				Duration.ofMinutes(10), null)).hasMessageContaining("execution.jdbc.visibility-timeout");
		assertThatThrownBy(() -> new JdbcQueueSettings("ok_", Duration.ofSeconds(30), 0, Duration.ofSeconds(1),
				Duration.ofMinutes(10), null)).hasMessageContaining("execution.jdbc.max-deliveries");
		assertThat(JdbcQueueSettings.defaults().table("call")).isEqualTo("execution_call");
	}

}
