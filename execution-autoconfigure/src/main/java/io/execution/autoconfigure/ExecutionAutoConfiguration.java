package io.execution.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import io.execution.async.DeadLetterRecorder;
import io.execution.async.DefaultExecutions;
import io.execution.async.ExecutionRecorder;
import io.execution.async.ExecutionStore;
import io.execution.async.Executions;
import io.execution.async.MemoryExecutionStore;
import io.execution.client.ExecutionClientFactory;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.CallObserver;
import io.execution.core.CallStatistics;
import io.execution.core.Dispatcher;
import io.execution.core.EndpointDefinition;
import io.execution.core.Endpoints;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.core.ResultCache;
import io.execution.core.TransportFactory;
import io.execution.local.LocalTransportFactory;
import io.execution.observation.ExecutionClientObservationConvention;
import io.execution.observation.ExecutionServerObservationConvention;
import io.execution.queue.QueueBackend;
import io.execution.resilience.CircuitBreakers;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceRegistry;
import io.execution.registry.WorkerRegistry;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerOperationsService;
import io.execution.worker.WorkerPools;
import io.execution.worker.Workers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The core of Execution: the service registry, the dispatcher, local mode and the client
 * proxies of the {@code @ExecutionClient} interfaces in the application's packages.
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, TaskExecutionAutoConfiguration.class })
@EnableConfigurationProperties({ ExecutionConsoleProperties.class, ExecutionProperties.class, ExecutionHttpProperties.class,
		ExecutionQueueProperties.class, ExecutionWorkerProperties.class, ExecutionsProperties.class,
		ExecutionHealthProperties.class, ExecutionMetricsProperties.class })
@Import(ExecutionClientsRegistrar.class)
public final class ExecutionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EnvelopeCodec executionEnvelopeCodec(ObjectProvider<JsonMapper> mapper) {
		return new EnvelopeCodec(mapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceRegistry executionServiceRegistry(EnvelopeCodec codec) {
		return new ServiceRegistry(codec.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceExecutor executionServiceExecutor(ServiceRegistry services, EnvelopeCodec codec,
			ObjectProvider<ObservationRegistry> observations, CallStatistics statistics,
			ObjectProvider<ExecutionServerObservationConvention> convention, ExecutionTimer timer) {
		return new ServiceExecutor(services, codec, observations.getIfAvailable(() -> ObservationRegistry.NOOP),
				statistics, convention.getIfAvailable(), timer);
	}

	/**
	 * With Micrometer Tracing: a call served inside another observation (the HTTP server's) has
	 * its span nested under that one, so one request makes one tree, not two sibling server spans.
	 */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	@org.springframework.boot.autoconfigure.condition.ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
	static class ServedSpansNesting {

		@Bean
		org.springframework.beans.factory.SmartInitializingSingleton executionServedSpansNesting(ServiceExecutor executor,
				ObjectProvider<io.micrometer.tracing.Tracer> tracer,
				ObjectProvider<io.micrometer.tracing.propagation.Propagator> propagator) {
			return () -> {
				io.micrometer.tracing.Tracer spans = tracer.getIfUnique();
				io.micrometer.tracing.propagation.Propagator headers = propagator.getIfUnique();
				if (spans == null || headers == null) {
					return;
				}
				executor.nestUnder(() -> {
					io.micrometer.tracing.Span current = spans.currentSpan();
					if (current == null) {
						return java.util.Map.of();
					}
					java.util.Map<String, String> carrier = new java.util.HashMap<>();
					headers.inject(current.context(), carrier, java.util.Map::put);
					return carrier;
				});
			};
		}

	}

	@Bean
	@ConditionalOnMissingBean
	LocalTransportFactory executionLocalTransportFactory(ServiceRegistry services, EnvelopeCodec codec,
			ObjectProvider<org.springframework.core.task.TaskDecorator> decorators, ExecutionTimer timer,
			ExecutionProperties properties, Environment environment) {
		// Local CompletableFuture methods run on daemon threads (virtual ones when the application
		// runs on them): a command-line application ends when its main does, not after a pool's
		// idle minute. The application's TaskDecorator, as Boot's task executor would apply it.
		Executor threads = timer.pool("execution-local", ExecutionThreads.virtual(environment, "execution-local-"));
		org.springframework.core.task.TaskDecorator decorator = decorators.getIfUnique();
		Executor executor = (decorator != null) ? (task) -> threads.execute(decorator.decorate(task)) : threads;
		LocalTransportFactory factory = new LocalTransportFactory(services, codec.mapper(), executor, timer.deadlines());
		// Under the test switch, what a queue endpoint would hold until due is held in the tests' JVM.
		return properties.isLocalOnly() ? factory.holdingDueCalls(timer.scheduler()) : factory;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Endpoints executionEndpoints(ExecutionProperties properties, List<TransportFactory> factories,
			ServiceRegistry services, CircuitBreakers breakers, Environment environment) {
		// A misspelled key inside an entry is said before anything is built on the entry.
		EndpointKeys.check(environment);
		List<EndpointDefinition> configured = properties.getEndpoints()
			.entrySet()
			.stream()
			.map((entry) -> {
				EndpointDefinition definition = new EndpointDefinition(entry.getKey(),
						properties.modeOf(entry.getValue()).id(),
						(entry.getValue().getTimeout() != null) ? entry.getValue().getTimeout()
								: properties.getDefaultTimeout(),
						properties.isLocalOnly() ? List.of() : List.copyOf(entry.getValue().getFallback()))
					.retryingFailed(entry.getValue().getRetryFailed().policy());
				return (entry.getValue().getWhenUnserved() == ExecutionProperties.WhenUnserved.FAIL)
						? definition.failingUnserved() : definition;
			})
			.toList();
		return new Endpoints(configured, factories, services::contains, properties.getDefaultTimeout(),
				breakers::forEndpoint);
	}

	/**
	 * The circuit breakers of every remote endpoint and of each http URL, in the application's
	 * Resilience4j registry when it has one. Execution's defaults come from
	 * {@code execution.circuit-breaker.*} (or, deprecated, {@code execution.http.circuit-breaker.*}).
	 */
	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("deprecation")
	CircuitBreakers executionCircuitBreakers(ExecutionProperties properties, ExecutionHttpProperties http,
			ObjectProvider<CircuitBreakerRegistry> registry, Environment environment) {
		boolean legacy = !configured(environment, "execution.circuit-breaker")
				&& configured(environment, "execution.http.circuit-breaker");
		int threshold = legacy ? http.getCircuitBreaker().getFailureThreshold()
				: properties.getCircuitBreaker().getFailureThreshold();
		java.time.Duration open = legacy ? http.getCircuitBreaker().getOpenDuration()
				: properties.getCircuitBreaker().getOpenDuration();
		return new CircuitBreakers(registry.getIfAvailable(CircuitBreakerRegistry::ofDefaults), threshold, open,
				keys(environment, "resilience4j.circuitbreaker.configs.default"));
	}

	@Bean
	ExecutionWarmUp executionWarmUp(Endpoints endpoints, ObjectProvider<QueueBackend> queues) {
		return new ExecutionWarmUp(endpoints, queues);
	}

	@Bean
	@ConditionalOnMissingBean
	CallStatistics executionCallStatistics() {
		return new CallStatistics();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ExecutionTimer executionTimer() {
		return new ExecutionTimer();
	}

	/**
	 * Where {@code @CacheResult} results live, to evict them: the application's Spring
	 * {@code CacheManager} when it has one ({@code execution.<service>} caches; claims stay with
	 * the backend's store), else the queue backend's store.
	 */
	@Bean
	@ConditionalOnMissingBean
	io.execution.core.CachedResults executionCachedResults(ObjectProvider<ResultCache> cache,
			ObjectProvider<org.springframework.cache.CacheManager> managers, EnvelopeCodec codec) {
		ResultCache backend = cache.getIfAvailable();
		org.springframework.cache.CacheManager manager = managers.getIfUnique();
		ResultCache store = (backend != null && manager != null) ? new SpringCacheResults(manager, backend) : backend;
		return (store != null) ? new io.execution.core.CachedResults(store, codec.mapper()) : null;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Dispatcher executionDispatcher(Endpoints endpoints, ObjectProvider<CallObserver> observers,
			ObjectProvider<ObservationRegistry> observations, ObjectProvider<ExecutionEvents> events,
			ExecutionTimer timer, ObjectProvider<ExecutionClientObservationConvention> convention,
			ObjectProvider<io.execution.core.CachedResults> cached, EnvelopeCodec codec) {
		io.execution.core.CachedResults results = cached.getIfAvailable();
		return new Dispatcher(endpoints, observers.orderedStream().toList(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), ExecutionEventsListeners.of(events), timer,
				convention.getIfAvailable(), (results != null) ? results.cache() : null, codec.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ExecutionClientFactory executionClientFactory(Dispatcher dispatcher, EnvelopeCodec codec, ServiceRegistry services) {
		return new ExecutionClientFactory(dispatcher, codec.mapper(), services);
	}

	@Bean
	@ConditionalOnMissingBean
	ExecutionRecorder executionRecorder(ObjectProvider<ExecutionStore> store, ExecutionsProperties executions,
			EnvelopeCodec codec) {
		return new ExecutionRecorder(
				store.getIfAvailable(
						() -> new MemoryExecutionStore(executions.getRetention(), executions.getMemoryCapacity())),
				LocalWorker.processId(), codec);
	}

	@Bean
	DeadLetterRecorder executionDeadLetterRecorder(ExecutionRecorder recorder, EnvelopeCodec codec) {
		return new DeadLetterRecorder(recorder.store(), codec);
	}

	@Bean
	@ConditionalOnMissingBean(Executions.class)
	DefaultExecutions executions(Dispatcher dispatcher, ExecutionRecorder recorder, ExecutionClientFactory clients,
			EnvelopeCodec codec) {
		return new DefaultExecutions(dispatcher, recorder, clients, codec.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerOperationsService executionWorkerOperations(ServiceRegistry services, ExecutionProperties properties,
			ExecutionHttpProperties http, ExecutionQueueProperties queue, ExecutionWorkerProperties worker,
			ObjectProvider<WorkerPools> pools, ObjectProvider<DefaultExecutions> executions,
			ObjectProvider<LocalWorker> localWorker) {
		Map<String, Object> limits = new LinkedHashMap<>();
		limits.put("payloadLimit", http.getPayloadLimit().toBytes());
		limits.put("compressionThreshold", http.getCompression().getThreshold().toBytes());
		limits.put("queueCapacity", queue.getCapacity());
		limits.put("defaultTimeoutMs", properties.getDefaultTimeout().toMillis());
		return new WorkerOperationsService(services, pools::getIfAvailable, executions::getIfAvailable,
				worker.getTags(), limits, () -> {
					LocalWorker local = localWorker.getIfAvailable();
					return (local != null) ? local.id() : null;
				});
	}

	/**
	 * The workers the registry knows, each reachable by id: in process, over HTTP at the URL it
	 * advertises, or through its own control queue on Redis.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnBean(WorkerRegistry.class)
	@ConditionalOnMissingBean
	Workers executionWorkers(WorkerRegistry registry, WorkerOperationsService self, ObjectProvider<LocalWorker> local,
			List<TransportFactory> factories, EnvelopeCodec codec, ExecutionProperties properties) {
		Map<String, TransportFactory> byMode = new LinkedHashMap<>();
		factories.stream()
			.filter((factory) -> factory.mode().equals("http") || factory.mode().equals("queue"))
			.forEach((factory) -> byMode.putIfAbsent(factory.mode(), factory));
		LocalWorker worker = local.getIfAvailable();
		return new Workers(registry, self, (worker != null) ? worker.id() : null, byMode, codec.mapper(),
				properties.getDefaultTimeout());
	}

	@Bean
	static ExecutionServiceRegistrar executionServiceRegistrar() {
		return new ExecutionServiceRegistrar();
	}

	/** Whether anything is set under a property name (any source, relaxed names). */
	/**
	 * The keys set directly under a prefix, as written ({@code sliding-window-size}), from every
	 * property source.
	 * @param environment the environment
	 * @param name the prefix
	 * @return the keys, empty when none
	 */
	static java.util.Set<String> keys(Environment environment, String name) {
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of(name);
		java.util.Set<String> keys = new java.util.TreeSet<>();
		names(environment, prefix).forEach((key) -> keys.add(key.getElement(prefix.getNumberOfElements(),
				ConfigurationPropertyName.Form.DASHED)));
		return keys;
	}

	/**
	 * Every property name set under a prefix, in every property source that can list its names.
	 * @param environment the environment
	 * @param prefix the prefix
	 * @return the names
	 */
	static java.util.stream.Stream<ConfigurationPropertyName> names(Environment environment,
			ConfigurationPropertyName prefix) {
		java.util.stream.Stream.Builder<ConfigurationPropertyName> names = java.util.stream.Stream.builder();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof org.springframework.boot.context.properties.source.IterableConfigurationPropertySource iterable) {
				iterable.stream().filter(prefix::isAncestorOf).forEach(names::add);
			}
		}
		return names.build();
	}

	static boolean configured(Environment environment, String name) {
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.containsDescendantOf(prefix) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}


	/**
	 * {@code execution.http.server.enabled} where the routes cannot be served: the start fails
	 * saying what to add, rather than the switch being ignored.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "execution.http.server.enabled", havingValue = "true")
	@Conditional(ServerUnavailable.Unservable.class)
	static class ServerUnavailable {

		@Bean
		Object executionHttpServerUnavailable() {
			throw new InvalidConfigurationPropertyValueException("execution.http.server.enabled", "true",
					"Execution serves its routes as a servlet of a servlet web application: add"
							+ " spring-boot-starter-webmvc (and io.execution:execution-http, which the starter brings), or"
							+ " set execution.http.server.enabled=false. A WebFlux or non-web application can call"
							+ " http endpoints but not serve them.");
		}

		/** Not a servlet web application, or Execution's http module is missing. */
		static final class Unservable extends AnyNestedCondition {

			Unservable() {
				super(ConfigurationPhase.REGISTER_BEAN);
			}

			@ConditionalOnNotWebApplication
			static final class NotWeb {

			}

			@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
			static final class Reactive {

			}

			@ConditionalOnMissingClass("io.execution.http.server.InvocationHttpHandler")
			static final class NoHttpModule {

			}

		}

	}

}
