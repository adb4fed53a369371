package io.execution.autoconfigure;

import java.util.concurrent.CompletableFuture;

import io.execution.client.ExecutionClientFactory;
import io.execution.codec.Envelope;
import io.execution.core.Dispatcher;
import io.execution.core.Endpoints;
import io.execution.fixtures.missing.MissingApplication;
import io.execution.http.HttpTransport;
import io.execution.http.server.InvocationHttpHandler;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueTransportFactory;
import io.execution.queue.memory.MemoryQueueBackend;
import io.execution.resilience.CircuitBreakers;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each condition of the auto-configurations, with and without the property or the user's own
 * bean.
 */
class ExecutionAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ExecutionAutoConfiguration.class,
				ExecutionQueueAutoConfiguration.class, ExecutionWorkerAutoConfiguration.class,
				ExecutionHttpAutoConfiguration.class, ExecutionHttpServerAutoConfiguration.class));

	@Test
	void theEmbeddedDefaultNeedsNothingAndRunsNoWorkers() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Dispatcher.class)
				.hasSingleBean(Endpoints.class)
				.hasSingleBean(ExecutionClientFactory.class)
				.hasSingleBean(MemoryQueueBackend.class)
				.hasSingleBean(QueueTransportFactory.class)
				.doesNotHaveBean(WorkerPools.class);
			assertThat(context.getBean(Endpoints.class).modes()).containsExactlyInAnyOrder("local", "queue", "http");
			assertThat(context).doesNotHaveBean(InvocationHttpHandler.class);
		});
	}

	@Test
	void executionsKeepTheirRecordsInTheMemoryStoreByDefault() {
		this.runner.withPropertyValues("execution.executions.retention=5m", "execution.executions.memory-capacity=7")
			.run((context) -> {
				assertThat(context).hasSingleBean(io.execution.async.Executions.class)
					.hasSingleBean(io.execution.async.MemoryExecutionStore.class)
					.hasSingleBean(io.execution.worker.WorkerOperationsService.class);
				io.execution.async.ExecutionStore store = context.getBean(io.execution.async.DefaultExecutions.class)
					.store();
				assertThat(store.name()).isEqualTo("memory");
				assertThat(store.retention()).hasMinutes(5);
			});
	}

	@Test
	void theUsersOwnExecutionStoreIsUsed() {
		this.runner.withBean(io.execution.async.ExecutionStore.class,
				() -> new io.execution.async.MemoryExecutionStore(java.time.Duration.ofSeconds(42)))
			.run((context) -> {
				assertThat(context).hasSingleBean(io.execution.async.ExecutionStore.class);
				assertThat(context.getBean(io.execution.async.DefaultExecutions.class).store().retention())
					.hasSeconds(42);
			});
	}

	@Test
	void workersStartOnlyWhenEnabled() {
		this.runner.withPropertyValues("execution.worker.enabled=true", "execution.worker.queues=a,b")
			.run((context) -> {
				assertThat(context).hasSingleBean(WorkerPools.class);
				assertThat(context.getBean(WorkerPools.class).pools()).extracting("queue").containsExactly("a", "b");
			});
	}

	@Test
	void enabledWorkersWithoutQueuesFailNamingTheProperty() {
		this.runner.withPropertyValues("execution.worker.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("execution.worker.queues");
		});
	}

	@Test
	void aMemoryQueueNobodyServesFailsTheStartNamingTheProperties() {
		this.runner.withPropertyValues("execution.endpoints.billing.mode=queue").run((context) -> {
			assertThat(context).hasFailed();
			// The property written (the mode: its queue is the endpoint's name), never one that was not.
			assertThat(context.getStartupFailure()).hasStackTraceContaining("execution.endpoints.billing.mode")
				.hasStackTraceContaining("execution.worker.queues");
			assertThat(context.getStartupFailure()).satisfies((failure) -> assertThat(
					org.springframework.util.ObjectUtils.nullSafeToString(failure.toString()))
				.doesNotContain("execution.endpoints.billing.queue"));
		});
	}

	@Test
	void anHttpEndpointWithoutUrlsFailsNamingTheProperty() {
		this.runner.withPropertyValues("execution.endpoints.billing.mode=http").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("execution.endpoints.billing.urls");
		});
	}

	@Test
	void aFallbackThatIsNoEndpointFailsTheStart() {
		this.runner
			.withPropertyValues("execution.endpoints.billing.urls=http://localhost:1",
					"execution.endpoints.billing.fallback=billing-backup")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("execution.endpoints.billing-backup.mode");
			});
	}

	@Test
	void theHttpServerIsOffByDefaultEvenInAWebApplication() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ExecutionAutoConfiguration.class,
					ExecutionQueueAutoConfiguration.class, ExecutionHttpAutoConfiguration.class,
					ExecutionHttpServerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InvocationHttpHandler.class));
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ExecutionAutoConfiguration.class,
					ExecutionQueueAutoConfiguration.class, ExecutionHttpAutoConfiguration.class,
					ExecutionHttpServerAutoConfiguration.class))
			.withPropertyValues("execution.http.server.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(InvocationHttpHandler.class));
	}

	@Test
	void aModeWithoutItsTransportFailsNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ExecutionAutoConfiguration.class,
					ExecutionQueueAutoConfiguration.class))
			.withPropertyValues("execution.endpoints.billing.mode=http").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("execution.endpoints.billing.mode");
		});
	}

	@Test
	void withoutTheHttpModuleHttpModeBacksOffAndAnHttpEndpointFailsNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader("io.execution.http.")).run((context) -> {
			// Queue endpoints have breakers too: they do not need the http module.
			assertThat(context).hasNotFailed().hasSingleBean(CircuitBreakers.class);
			assertThat(context.getBean(Endpoints.class).modes()).containsExactlyInAnyOrder("local", "queue");
		});
		this.runner.withClassLoader(new FilteredClassLoader("io.execution.http."))
			.withPropertyValues("execution.endpoints.billing.mode=http", "execution.endpoints.billing.urls=http://a")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("execution.endpoints.billing.mode");
			});
	}

	@Test
	void theRedisBackendWithoutTheRedisModuleFailsSayingWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("io.execution.queue.redis."))
			.withPropertyValues("execution.queue.backend=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("execution.queue.backend")
					.hasMessageContaining("io.execution:execution-redis");
			});
	}

	@Test
	void theUsersOwnQueueBackendReplacesTheMemoryOne() {
		this.runner.withUserConfiguration(OwnBackend.class).run((context) -> {
			assertThat(context).doesNotHaveBean(MemoryQueueBackend.class).hasSingleBean(QueueBackend.class);
			assertThat(context.getBean(QueueBackend.class).name()).isEqualTo("own");
			assertThat(context).hasSingleBean(QueueTransportFactory.class);
		});
	}

	@Test
	void theUsersOwnDispatcherIsKept() {
		this.runner.withUserConfiguration(OwnDispatcher.class)
			.run((context) -> assertThat(context.getBean(Dispatcher.class)).isSameAs(OwnDispatcher.DISPATCHER));
	}

	@Test
	void aClientWithoutAnEndpointFailsTheStartWithAnActionableMessage() {
		SpringApplication application = new SpringApplication(MissingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatThrownBy(application::run).isInstanceOf(UnresolvedEndpointException.class)
			.hasMessageContaining("execution.endpoints.nowhere.mode")
			.satisfies((ex) -> {
				FailureAnalysis analysis = new UnresolvedEndpointFailureAnalyzer().analyze(ex);
				assertThat(analysis.getDescription()).contains("'nowhere'");
				assertThat(analysis.getAction()).contains("execution.endpoints.nowhere.mode");
			});
	}

	@Test
	void theUsersResilience4jRegistriesConfigureTheEndpointsBreakers() {
		this.runner.withUserConfiguration(OwnRegistries.class)
			.withPropertyValues("execution.endpoints.billing.urls=http://localhost:1",
					"execution.http.health-check.interval=0")
			.run((context) -> {
				HttpTransport transport = (HttpTransport) context.getBean(Endpoints.class).resolve("billing").transport();
				assertThat(context.getBean(Endpoints.class).resolve("billing").breaker()).isSameAs(OwnRegistries.BILLING);
				assertThat(transport.instances().get(0).breaker().getCircuitBreakerConfig().getSlidingWindowSize())
					.isEqualTo(5);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRegistries {

		static final io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry REGISTRY = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry
			.ofDefaults();

		static final io.github.resilience4j.circuitbreaker.CircuitBreaker BILLING = REGISTRY.circuitBreaker("billing",
				io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom().slidingWindowSize(42).build());

		@Bean
		io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry circuitBreakerRegistry() {
			return REGISTRY;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackend {

		@Bean
		QueueBackend ownBackend() {
			return new QueueBackend() {
				@Override
				public String name() {
					return "own";
				}

				@Override
				public CompletableFuture<Envelope> submit(io.execution.queue.QueuedCall call) {
					return new CompletableFuture<>();
				}

				@Override
				public QueueConsumer consumer(String queue, int concurrency, io.execution.queue.ConsumerOptions options) {
					return (wait) -> null;
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDispatcher {

		static final Dispatcher DISPATCHER = new Dispatcher(
				new Endpoints(java.util.List.of(), java.util.List.of(), (name) -> false, java.time.Duration.ofSeconds(1)));

		@Bean
		Dispatcher ownDispatcher() {
			return DISPATCHER;
		}

	}

}
