package io.execution.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.execution.actuate.ConsoleEndpoint;
import io.execution.actuate.ConsoleSnapshots;
import io.execution.actuate.DeadLettersEndpoint;
import io.execution.actuate.ExecutionEndpoint;
import io.execution.actuate.ExecutionsEndpoint;
import io.execution.actuate.ExecutionHealthContributor;
import io.execution.actuate.ExecutionMetrics;
import io.execution.actuate.ExecutionReport;
import io.execution.async.DefaultExecutions;
import io.execution.core.CallStatistics;
import io.execution.core.Endpoints;
import io.execution.observation.DefaultExecutionClientObservationConvention;
import io.execution.queue.DeadLetters;
import io.execution.queue.QueueBackend;
import io.execution.registry.WorkerRegistry;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerOperationsService;
import io.execution.worker.WorkerPool;
import io.execution.worker.WorkerPools;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What an operator reads: the {@code execution} health contributor, the {@code execution}
 * actuator endpoint and Micrometer metrics, each only when its module is on the classpath, so
 * that a missing one switches off nothing else.
 */
@AutoConfiguration(after = { ExecutionAutoConfiguration.class, ExecutionQueueAutoConfiguration.class,
		ExecutionWorkerAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnBean(Endpoints.class)
@Import({ ExecutionActuatorAutoConfiguration.HealthConfiguration.class,
		ExecutionActuatorAutoConfiguration.DeadLettersConfiguration.class,
		ExecutionActuatorAutoConfiguration.ExecutionsConfiguration.class,
		ExecutionActuatorAutoConfiguration.EndpointConfiguration.class,
		ExecutionActuatorAutoConfiguration.ConsoleConfiguration.class,
		ExecutionActuatorAutoConfiguration.MetricsConfiguration.class })
public final class ExecutionActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ExecutionReport executionReport(Endpoints endpoints, CallStatistics statistics, ObjectProvider<QueueBackend> queues,
			ObjectProvider<WorkerRegistry> registry, ObjectProvider<DefaultExecutions> executions,
			ObjectProvider<WorkerPools> pools, ObjectProvider<io.execution.resilience.CircuitBreakers> breakers) {
		return new ExecutionReport(endpoints, statistics, queues.getIfAvailable(), registry.getIfAvailable(),
				executions::getIfAvailable, () -> {
					WorkerPools own = pools.getIfAvailable();
					return (own != null) ? own.pools().stream().map(WorkerPool::queue).toList() : List.of();
				}).resilience((name) -> {
					java.util.Map<String, Object> origins = new java.util.LinkedHashMap<>();
					io.execution.resilience.CircuitBreakers known = breakers.getIfAvailable();
					String breaker = (known != null) ? known.origin(name) : null;
					if (breaker != null) {
						origins.put("circuitBreakerConfig", breaker);
					}
					return origins;
				});
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("execution")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "executionHealthContributor")
		ExecutionHealthContributor executionHealthContributor(ExecutionReport report, ExecutionHealthProperties health) {
			return new ExecutionHealthContributor(report, health.isDownOnOpenCircuit(), health.isDownOnEmptyPool());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(ExecutionEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ExecutionEndpoint executionEndpoint(ExecutionReport report, ObjectProvider<WorkerOperationsService> operations,
				ObjectProvider<WorkerPools> pools, ObjectProvider<io.execution.core.CachedResults> cached,
				ObjectProvider<io.execution.queue.QueueControl> queues,
				ObjectProvider<io.execution.recurring.RecurringCalls> recurring) {
			return new ExecutionEndpoint(report, (pools.getIfAvailable() != null) ? operations.getIfAvailable() : null)
				.cachedResults(cached.getIfAvailable())
				.queueControl(queues.getIfAvailable())
				.recurringCalls(recurring.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnBooleanProperty("execution.console.enabled")
	@ConditionalOnAvailableEndpoint(ConsoleEndpoint.class)
	static class ConsoleConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		ConsoleSnapshots executionConsoleSnapshots(ExecutionReport report, CallStatistics statistics,
				ExecutionConsoleProperties console, ObjectProvider<LocalWorker> worker,
				ObjectProvider<WorkerRegistry> registry, io.execution.core.ExecutionTimer timer) {
			LocalWorker self = worker.getIfUnique();
			WorkerRegistry workers = registry.getIfAvailable();
			ConsoleSnapshots snapshots = new ConsoleSnapshots(report, statistics, console.getRefreshInterval(),
					console.isReadOnly(), java.time.Clock.systemUTC(), (self != null) ? self.id() : null,
					workers != null && workers.forwardsRequests());
			// The charts open with the minutes before the page: one snapshot per interval, page or not.
			// Its own thread (a snapshot reads the backend, which may block), not the discovery lookups'.
			snapshots.sampleEvery(timer.scheduler(), timer.pool("execution-console"));
			return snapshots;
		}

		@Bean
		@ConditionalOnMissingBean
		ConsoleEndpoint consoleEndpoint(ConsoleSnapshots snapshots, ObjectProvider<DefaultExecutions> executions,
				ObjectProvider<DeadLetters> deadLetters, ExecutionReport report,
				ObjectProvider<WorkerOperationsService> operations, ObjectProvider<WorkerPools> pools,
				ObjectProvider<io.execution.worker.Workers> workers,
				ObjectProvider<io.execution.queue.QueueControl> queues,
				ObjectProvider<io.execution.recurring.RecurringCalls> recurring) {
			return new ConsoleEndpoint(snapshots, executions.getIfAvailable(), deadLetters.getIfAvailable(), report,
					(pools.getIfAvailable() != null) ? operations.getIfAvailable() : null, workers.getIfAvailable())
				.queueControl(queues.getIfAvailable())
				.recurringCalls(recurring.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(DeadLettersEndpoint.class)
	static class DeadLettersConfiguration {

		@Bean
		@ConditionalOnBean(DeadLetters.class)
		@ConditionalOnMissingBean
		DeadLettersEndpoint deadLettersEndpoint(DeadLetters deadLetters, ExecutionReport report) {
			return new DeadLettersEndpoint(deadLetters, report);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(ExecutionsEndpoint.class)
	static class ExecutionsConfiguration {

		@Bean
		@ConditionalOnBean(DefaultExecutions.class)
		@ConditionalOnMissingBean
		ExecutionsEndpoint executionsEndpoint(DefaultExecutions executions) {
			return new ExecutionsEndpoint(executions);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(InfoContributor.class)
	@ConditionalOnEnabledInfoContributor("execution")
	static class InfoConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "executionInfoContributor")
		InfoContributor executionInfoContributor(Endpoints endpoints, ExecutionQueueProperties queue,
				ExecutionWorkerProperties worker) {
			return (builder) -> {
				Map<String, Object> info = new LinkedHashMap<>();
				info.put("version", WorkerOperationsService.version());
				Map<String, String> modes = new LinkedHashMap<>();
				endpoints.all().forEach((name, endpoint) -> modes.put(name, endpoint.mode()));
				info.put("endpoints", modes);
				info.put("queueBackend", queue.getBackend().name().toLowerCase(Locale.ROOT));
				info.put("workerQueues", worker.isEnabled() ? worker.getQueues() : List.of());
				builder.withDetail("execution", info);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ExecutionMetrics executionMetrics(MeterRegistry registry, ExecutionReport report,
				ObjectProvider<ObservationRegistry> observations) {
			// With observations on, each call's timer is its observation's: one timer per call.
			ObservationRegistry observed = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
			return new ExecutionMetrics(registry, report, observed.isNoop());
		}

		/**
		 * The deprecated {@code execution.metrics.percentile-histogram}, as Boot's own
		 * {@code management.metrics.distribution.percentiles-histogram.execution.invocations}
		 * would do it.
		 */
		@Bean
		@ConditionalOnBooleanProperty("execution.metrics.percentile-histogram")
		MeterFilter executionInvocationsHistogram() {
			return new MeterFilter() {
				@Override
				public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
					if (!id.getName().equals(DefaultExecutionClientObservationConvention.NAME)) {
						return config;
					}
					return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
				}
			};
		}

	}

}
