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
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The jdbc queue backend, on the application's {@link DataSource} and so its
 * {@code spring.datasource.*} settings and its transactions, with executions (their idempotency
 * keys and batches), recurring ticks and the worker registry in the same database. Cached results
 * stay in this JVM on this backend (not yet shared through the database).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "jdbc")
@EnableConfigurationProperties(ExecutionJdbcProperties.class)
@Import({ JdbcQueueConfiguration.WithJdbc.class, JdbcQueueConfiguration.WithoutJdbc.class })
class JdbcQueueConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.execution.queue.jdbc.JdbcQueueBackend",
			"org.springframework.jdbc.core.simple.JdbcClient", "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails" })
	@Import({ JdbcQueueConfiguration.Stores.class, InJvmStoresConfiguration.class })
	static class WithJdbc {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(QueueBackend.class)
		JdbcQueueBackend executionQueueBackend(ObjectProvider<DataSource> dataSources,
				ObjectProvider<JdbcConnectionDetails> details, ExecutionJdbcProperties jdbc, Environment environment,
				ObjectProvider<ExecutionEvents> events, ExecutionQueueProperties queue) {
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
			if (jdbc.getInitializeSchema() == ExecutionJdbcProperties.InitializeSchema.ALWAYS) {
				JdbcSchema.create(dataSource, settings.tablePrefix());
			}
			return new JdbcQueueBackend(dataSource, listening(dataSource, details.getIfAvailable()), settings,
					ExecutionEventsListeners.of(events)).start();
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
