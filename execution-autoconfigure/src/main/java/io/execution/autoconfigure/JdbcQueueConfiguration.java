package io.execution.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import io.execution.async.ExecutionStore;
import io.execution.core.ExecutionEvents;
import io.execution.async.jdbc.JdbcExecutionStore;
import io.execution.core.ResultCache;
import io.execution.queue.QueueBackend;
import io.execution.queue.jdbc.JdbcQueueBackend;
import io.execution.queue.jdbc.JdbcQueueSettings;
import io.execution.queue.jdbc.JdbcResultCache;
import io.execution.queue.jdbc.JdbcSchema;
import io.execution.recurring.RecurringStore;
import io.execution.recurring.jdbc.JdbcRecurringStore;
import io.execution.registry.WorkerRegistry;
import io.execution.registry.jdbc.JdbcWorkerRegistry;
import io.execution.worker.LocalWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The jdbc queue backend, on the application's {@link DataSource} and so its
 * {@code spring.datasource.*} settings and its transactions, with executions (their idempotency
 * keys and batches), recurring ticks, cached results and the worker registry in the same
 * database. Its tables are created at start-up, or by the application's Flyway or Liquibase
 * ({@code execution.jdbc.initialize-schema}), which then run first.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "jdbc")
@EnableConfigurationProperties(ExecutionJdbcProperties.class)
@Import({ JdbcQueueConfiguration.WithJdbc.class, JdbcQueueConfiguration.WithFlyway.class,
		JdbcQueueConfiguration.WithoutJdbc.class })
class JdbcQueueConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.execution.queue.jdbc.JdbcQueueBackend",
			"org.springframework.jdbc.core.simple.JdbcClient", "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails" })
	@Import({ JdbcQueueConfiguration.Stores.class, InJvmStoresConfiguration.class,
			DatabaseInitializationDependencyConfigurer.class })
	static class WithJdbc {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(QueueBackend.class)
		@DependsOnDatabaseInitialization
		JdbcQueueBackend executionQueueBackend(ObjectProvider<DataSource> dataSources,
				ObjectProvider<JdbcConnectionDetails> details, ExecutionJdbcProperties jdbc, Environment environment,
				ObjectProvider<ExecutionEvents> events, ExecutionQueueProperties queue,
				JdbcTablesHanded flyway) {
			DataSource dataSource = dataSources.getIfUnique();
			if (dataSource == null) {
				throw new InvalidConfigurationPropertyValueException("execution.queue.backend", "jdbc",
						"The jdbc queue backend needs the application's DataSource: add spring-boot-starter-jdbc and the"
								+ " PostgreSQL driver, and set spring.datasource.url");
			}
			JdbcQueueSettings settings;
			try {
				settings = new JdbcQueueSettings(jdbc.getTablePrefix(), jdbc.getVisibilityTimeout(), jdbc.getMaxDeliveries(),
						jdbc.getPollInterval(), jdbc.getRetention(), ExecutionThreads.virtual(environment, "execution-jdbc-"),
						queue.getCapacity());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("execution.jdbc", jdbc.getTablePrefix(), ex.getMessage());
			}
			initialize(jdbc.getInitializeSchema(), dataSource, settings.tablePrefix(), flyway);
			return new JdbcQueueBackend(dataSource, listening(dataSource, details.getIfAvailable()), settings,
					ExecutionEventsListeners.of(events)).start();
		}

		/** Whether the application's Flyway took the tables (set by {@link JdbcFlywayMigration}). */
		@Bean
		JdbcTablesHanded executionJdbcTablesHanded() {
			return new JdbcTablesHanded();
		}

		/**
		 * Creates the tables, or leaves them to the application's migrations (which ran before:
		 * the backend depends on database initialization) and checks them.
		 */
		private static void initialize(ExecutionJdbcProperties.InitializeSchema mode, DataSource dataSource,
				String tablePrefix, JdbcTablesHanded flyway) {
			boolean create = switch (mode) {
				case ALWAYS -> !flyway.toFlyway();
				case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(dataSource);
				case NEVER -> false;
			};
			if (create) {
				JdbcSchema.create(dataSource, tablePrefix);
			}
			else {
				JdbcSchema.verify(dataSource, tablePrefix);
			}
		}

		/**
		 * The connection that listens for notifications: one of its own from the connection details
		 * (not held from the pool for the application's life), else one from the DataSource.
		 */
		private static Callable<Connection> listening(DataSource dataSource, JdbcConnectionDetails details) {
			if (details != null && details.getJdbcUrl() != null) {
				return () -> DriverManager.getConnection(details.getJdbcUrl(), details.getUsername(), details.getPassword());
			}
			return dataSource::getConnection;
		}

	}

	/**
	 * Executions and recurring ticks in the database, so that every instance sees the same (and
	 * a recurring tick runs once across them); registered before the in-JVM stores, which then
	 * stand back.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Stores {

		@Bean
		@ConditionalOnMissingBean(ExecutionStore.class)
		JdbcExecutionStore executionStore(JdbcQueueBackend backend, ExecutionsProperties executions) {
			JdbcExecutionStore store = new JdbcExecutionStore(backend.dataSource(), backend.settings(),
					executions.getRetention());
			backend.retentionJob(store::sweep);
			return store;
		}

		@Bean
		@ConditionalOnMissingBean(WorkerRegistry.class)
		JdbcWorkerRegistry executionWorkerRegistry(JdbcQueueBackend backend, ExecutionWorkerProperties workers,
				ObjectProvider<LocalWorker> worker) {
			return new JdbcWorkerRegistry(backend, worker.getIfAvailable(), workers.getHeartbeatInterval());
		}

		@Bean
		@ConditionalOnMissingBean(RecurringStore.class)
		JdbcRecurringStore executionRecurringStore(JdbcQueueBackend backend) {
			return new JdbcRecurringStore(backend.dataSource(), backend.settings());
		}

		@Bean
		@ConditionalOnMissingBean(ResultCache.class)
		JdbcResultCache executionResultCache(JdbcQueueBackend backend) {
			JdbcResultCache cache = new JdbcResultCache(backend);
			backend.retentionJob(cache::sweep);
			return cache;
		}

	}

	/**
	 * The tables handed to the application's Flyway, as a repeatable migration beside its own,
	 * unless {@code execution.jdbc.initialize-schema} says otherwise.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.execution.queue.jdbc.JdbcQueueBackend", "org.flywaydb.core.Flyway",
			"org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer" })
	@ConditionalOnProperty(name = "execution.jdbc.initialize-schema", havingValue = "always", matchIfMissing = true)
	static class WithFlyway {

		@Bean
		JdbcFlywayMigration executionJdbcFlywayMigration(ExecutionJdbcProperties jdbc, JdbcTablesHanded handed) {
			return new JdbcFlywayMigration(jdbc.getTablePrefix(), handed);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.jdbc.core.simple.JdbcClient")
	static class WithoutJdbc {

		@Bean
		QueueBackend executionQueueBackend() {
			throw new InvalidConfigurationPropertyValueException("execution.queue.backend", "jdbc",
					"The jdbc queue backend needs Spring JDBC and the PostgreSQL driver: add spring-boot-starter-jdbc and"
							+ " org.postgresql:postgresql");
		}

	}

}
