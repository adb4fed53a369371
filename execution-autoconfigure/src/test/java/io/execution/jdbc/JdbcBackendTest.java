package io.execution.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.keys.AsyncCharges;
import io.execution.keys.Charges;
import io.execution.keys.ChargesApplication;
import io.execution.queue.QueueBackend;
import io.execution.queue.jdbc.JdbcQueueBackend;
import io.execution.queue.jdbc.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code execution.queue.backend=jdbc} in real Spring applications on a real PostgreSQL: the
 * starter creates its tables, a caller application's calls run on another application's
 * workers, and a call queued inside the application's transaction runs only if it commits.
 */
class JdbcBackendTest {

	private static TestPostgres postgres;

	private final List<ConfigurableApplicationContext> after = new ArrayList<>();

	@BeforeAll
	static void start() {
		postgres = TestPostgres.start();
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	@AfterEach
	void close() {
		this.after.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(boolean worker) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChargesApplication.class)
			.web(WebApplicationType.NONE)
			.properties(postgres.properties())
			// No pool on this module's classpath (its other applications must not get a DataSource).
			.properties("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource")
			.properties("spring.main.banner-mode=off", "execution.queue.backend=jdbc",
					"execution.endpoints.charges.queue=charges", "execution.endpoints.charges.timeout=20s",
					"execution.worker.enabled=" + worker, "execution.worker.queues=charges")
			.run();
		this.after.add(context);
		return context;
	}

	@Test
	void aCallerApplicationsCallsRunOnAnotherApplicationsWorkers() {
		run(true);
		ConfigurableApplicationContext caller = run(false);
		assertThat(caller.getBean(QueueBackend.class)).isInstanceOf(JdbcQueueBackend.class);
		Charges charges = caller.getBean(Charges.class);
		for (int i = 0; i < 10; i++) {
			assertThat(charges.charge("customer-" + i, null)).isEqualTo("customer-" + i);
		}
	}

	@Test
	void aCallQueuedInARolledBackTransactionNeverRunsAndOneCommittedDoes() throws Exception {
		ConfigurableApplicationContext app = run(true);
		Charges charges = app.getBean(Charges.class);
		TransactionTemplate transaction = new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
		JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
		// An asynchronous client call inside a transaction: queued with it.
		CompletableFuture<String>[] calls = new CompletableFuture[2];
		transaction.executeWithoutResult((status) -> {
			calls[0] = app.getBean(AsyncCharges.class).charge("rolled-back", null);
			jdbc.update("CREATE TABLE IF NOT EXISTS orders (id TEXT)");
			jdbc.update("INSERT INTO orders VALUES ('rolled-back')");
			status.setRollbackOnly();
		});
		assertThatThrownBy(() -> calls[0].get(10, TimeUnit.SECONDS)).hasMessageContaining("rolled back");
		transaction.executeWithoutResult((status) -> calls[1] = app.getBean(AsyncCharges.class).charge("committed", null));
		assertThat(calls[1].get(20, TimeUnit.SECONDS)).isEqualTo("committed");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'", Integer.class))
			.as("the business data rolled back with the call").isZero();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM execution_call", Integer.class)).isZero();
		assertThat(charges.charge("after", null)).isEqualTo("after");
	}

	@Test
	void aSynchronousCallInsideATransactionIsRefusedNamingTheWayOut() {
		ConfigurableApplicationContext app = run(true);
		Charges charges = app.getBean(Charges.class);
		TransactionTemplate transaction = new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
		JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
		// It would wait for a worker that sees the call only after a commit that waits for it.
		assertThatThrownBy(() -> transaction.executeWithoutResult((status) -> charges.charge("inside", null)))
			.isInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("inside a transaction")
			.hasMessageContaining("asynchronous");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM execution_call", Integer.class)).isZero();
		// Outside one, or asynchronously inside one, it runs.
		assertThat(charges.charge("outside", null)).isEqualTo("outside");
		CompletableFuture<String>[] call = new CompletableFuture[1];
		transaction.executeWithoutResult((status) -> call[0] = app.getBean(AsyncCharges.class).charge("async", null));
		assertThat(call[0].join()).isEqualTo("async");
	}

	@Test
	void executionsAreSharedThroughTheDatabaseAndOneStartedInARolledBackTransactionNeverWas() throws Exception {
		ConfigurableApplicationContext workers = run(true);
		ConfigurableApplicationContext caller = run(false);
		io.execution.async.Executions executions = caller.getBean(io.execution.async.Executions.class);
		Charges charges = caller.getBean(Charges.class);
		io.execution.async.Execution<String> started = executions.start(() -> charges.charge("shared", null));
		assertThat(started.await(java.time.Duration.ofSeconds(20))).isEqualTo("shared");
		// The worker's application reads the same record.
		io.execution.async.Executions elsewhere = workers.getBean(io.execution.async.Executions.class);
		assertThat(elsewhere.find(started.id()).map(io.execution.async.Execution::record))
			.hasValueSatisfying((record) -> assertThat(record.status())
			.isEqualTo(io.execution.async.ExecutionStatus.SUCCEEDED));

		TransactionTemplate transaction = new TransactionTemplate(caller.getBean(PlatformTransactionManager.class));
		String[] ids = new String[2];
		transaction.executeWithoutResult((status) -> {
			ids[0] = executions.start(() -> charges.charge("never", null)).id();
			status.setRollbackOnly();
		});
		transaction.executeWithoutResult((status) -> ids[1] = executions.start(() -> charges.charge("committed", null)).id());
		assertThat(executions.find(ids[0]).map(io.execution.async.Execution::record)).as("rolled back with its transaction").isEmpty();
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
			.until(() -> elsewhere.find(ids[1]).map(io.execution.async.Execution::record).map((record) -> record.status().isFinished()).orElse(false));
		assertThat(elsewhere.find(ids[1]).map(io.execution.async.Execution::record).orElseThrow().result().asString()).isEqualTo("committed");
		JdbcTemplate jdbc = caller.getBean(JdbcTemplate.class);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM execution_call", Integer.class)).isZero();
	}

	@Test
	void idleWorkersHoldNoConnectionButTheOneThatListens() {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(ChargesApplication.class)
			.web(WebApplicationType.NONE)
			.properties(postgres.properties())
			.properties("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
					"spring.main.banner-mode=off", "execution.queue.backend=jdbc", "execution.endpoints.charges.queue=charges",
					"execution.worker.enabled=true", "execution.worker.queues=charges", "execution.worker.concurrency=16")
			.run();
		this.after.add(app);
		assertThat(app.getBean(Charges.class).charge("warm", null)).isEqualTo("warm");
		JdbcTemplate jdbc = new JdbcTemplate(postgres.dataSource());
		// Sixteen idle worker threads for two seconds: none holds a connection (the data source
		// here has no pool, so a held connection would show); the listening one stays, and one
		// more may show while the pool's poll (every poll-interval, one thread for the pool) claims.
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.during(java.time.Duration.ofSeconds(2))
			.until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
					+ " AND pid <> pg_backend_pid()", Integer.class) <= 2);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
				+ " AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'", Integer.class)).isEqualTo(1);
	}

}
