package io.execution.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.execution.queue.jdbc.JdbcSchema;
import io.execution.queue.jdbc.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The jdbc backend as a user adds it — {@code spring-boot-starter-jdbc} (HikariCP), the
 * PostgreSQL driver and {@code execution.queue.backend=jdbc} — each test on a database of its
 * own: the tables created by the starter, by the application's Flyway (a repeatable migration in
 * its history), by its Liquibase change log including the starter's, or missing and named.
 */
class JdbcStarterTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
	}

	/** A fresh database on the test PostgreSQL, and the properties of an application on it. */
	private static List<String> database() throws Exception {
		TestPostgres postgres = TestPostgres.shared();
		String name = "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = DriverManager.getConnection(postgres.url(), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return new ArrayList<>(List.of("spring.datasource.url=jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + name,
				"spring.datasource.username=postgres", "execution.queue.backend=jdbc", "execution.worker.enabled=true",
				"execution.worker.queues=orders", "execution.endpoints.orders.queue=orders"));
	}

	private ConfigurableApplicationContext run(List<String> properties, String... more) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(OrdersApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(properties.toArray(String[]::new))
			.properties(more)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static List<String> tables(ConfigurableApplicationContext app) {
		return new JdbcTemplate(app.getBean(DataSource.class)).queryForList(
				"SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", String.class);
	}

	private static void callsCross(ConfigurableApplicationContext app) throws Exception {
		Orders orders = app.getBean(Orders.class);
		assertThat(orders.confirm("o-1")).isEqualTo("confirmed o-1");
		assertThat(orders.confirmLater("o-2").get(20, TimeUnit.SECONDS)).isEqualTo("confirmed o-2");
	}

	@Test
	void theStarterCreatesItsTablesOnAHikariPool() throws Exception {
		ConfigurableApplicationContext app = run(database(), "spring.flyway.enabled=false",
				"spring.liquibase.enabled=false");
		assertThat(app.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
		callsCross(app);
		assertThat(tables(app)).contains("execution_call", "execution_schema").doesNotContain("flyway_schema_history");
	}

	@Test
	void withFlywayTheTablesAreARepeatableMigrationInItsHistory() throws Exception {
		List<String> database = database();
		ConfigurableApplicationContext app = run(database, "spring.liquibase.enabled=false",
				"execution.jdbc.table-prefix=ex_");
		callsCross(app);
		assertThat(tables(app)).contains("shop_order", "ex_call", "ex_schema", "flyway_schema_history")
			.doesNotContain("execution_call");
		JdbcTemplate jdbc = new JdbcTemplate(app.getBean(DataSource.class));
		assertThat(jdbc.queryForList("SELECT script FROM flyway_schema_history WHERE success ORDER BY installed_rank",
				String.class)).containsExactly("V1__shop.sql", "R__execution_tables.sql");
		assertThat(jdbc.queryForObject("SELECT version FROM ex_schema", Integer.class)).isEqualTo(JdbcSchema.VERSION);
		// A second instance starts on the same history: nothing to migrate, the tables are there.
		callsCross(run(database, "spring.liquibase.enabled=false", "execution.jdbc.table-prefix=ex_"));
		assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history", Integer.class)).isEqualTo(2);
	}

	@Test
	void withLiquibaseTheApplicationsChangeLogIncludesTheStartersOne() throws Exception {
		ConfigurableApplicationContext app = run(database(), "spring.flyway.enabled=false",
				"execution.jdbc.initialize-schema=never", "spring.liquibase.parameters.execution_table_prefix=lq_",
				"execution.jdbc.table-prefix=lq_");
		callsCross(app);
		assertThat(tables(app)).contains("shop_order", "lq_call", "lq_schema", "databasechangelog");
		JdbcTemplate jdbc = new JdbcTemplate(app.getBean(DataSource.class));
		assertThat(jdbc.queryForList("SELECT id FROM databasechangelog ORDER BY orderexecuted", String.class))
			.containsExactly("shop-orders", "execution-tables");
	}

	@Test
	void tablesLeftToMigrationsThatDidNotRunStopTheStartNamingWhatToDo() throws Exception {
		List<String> database = database();
		for (String mode : List.of("never", "embedded")) {
			assertThatThrownBy(() -> run(database, "spring.flyway.enabled=false", "spring.liquibase.enabled=false",
					"execution.jdbc.initialize-schema=" + mode))
				.hasStackTraceContaining("execution_call and the others) are missing")
				.hasStackTraceContaining("execution.jdbc.initialize-schema=always")
				.hasStackTraceContaining(JdbcSchema.LIQUIBASE_CHANGELOG);
		}
	}

}
