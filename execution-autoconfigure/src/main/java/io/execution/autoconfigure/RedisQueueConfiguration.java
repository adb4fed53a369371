package io.execution.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.execution.async.ExecutionStore;
import io.execution.async.redis.RedisExecutionStore;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.core.ResultCache;
import io.execution.queue.QueueBackend;
import io.execution.queue.redis.RedisQueueBackend;
import io.execution.queue.redis.RedisQueueSettings;
import io.execution.redis.RedisConnections;
import io.execution.redis.RedisResultCache;
import io.execution.registry.WorkerRegistry;
import io.execution.registry.redis.RedisWorkerRegistry;
import io.execution.worker.LocalWorker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.tracing.LettuceObservationContext;
import io.micrometer.observation.ObservationPredicate;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis queue backend, through Spring Data Redis's Lettuce connection factory and so through
 * the application's {@code spring.data.redis.*} settings.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "redis")
@Import({ RedisQueueConfiguration.WithLettuce.class, RedisQueueConfiguration.ReconnectDelay.class,
		RedisQueueConfiguration.UntracedCommands.class, RedisQueueConfiguration.WorkerRegistryDiscovery.class,
		RedisQueueConfiguration.WithoutLettuce.class })
class RedisQueueConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisQueueBackend.class, LettuceConnectionFactory.class, RedisClient.class })
	static class WithLettuce {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		RedisConnections executionRedisConnections(ObjectProvider<RedisConnectionFactory> factories,
				Environment environment) {
			String replicas = environment.getProperty("spring.data.redis.masterreplica.nodes");
			if (replicas != null && !replicas.isBlank()) {
				throw new InvalidConfigurationPropertyValueException("spring.data.redis.masterreplica.nodes", replicas,
						"The redis queue backend needs one place to write every queue: a standalone Redis"
								+ " (spring.data.redis.host/port), a Sentinel-monitored master (spring.data.redis.sentinel.*)"
								+ " or a Cluster (spring.data.redis.cluster.nodes). Static master/replica nodes are not"
								+ " supported.");
			}
			RedisConnectionFactory factory = factories.getIfAvailable();
			if (!(factory instanceof LettuceConnectionFactory lettuce)) {
				throw new InvalidConfigurationPropertyValueException("execution.queue.backend", "redis",
						"The redis queue backend needs Spring Data Redis with Lettuce (spring-boot-starter-data-redis);"
								+ " found " + ((factory != null) ? factory.getClass().getName() : "no RedisConnectionFactory"));
			}
			if (lettuce.getNativeClient() == null) {
				lettuce.start();
			}
			return new RedisConnections(lettuce.getNativeClient());
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(QueueBackend.class)
		RedisQueueBackend executionQueueBackend(RedisConnections connections, ExecutionQueueProperties queue,
				ObjectProvider<ExecutionEvents> events, ObjectProvider<WorkerRegistry> workers,
				org.springframework.core.env.Environment environment) {
			ExecutionQueueProperties.Redis redis = queue.getRedis();
			// Callers' callbacks on virtual threads when the application runs on them.
			java.util.concurrent.ThreadFactory callbacks = ExecutionThreads.virtual(environment,
					"execution-redis-callbacks-");
			return new RedisQueueBackend(connections, new RedisQueueSettings(redis.getPrefix(), queue.getCapacity(),
					redis.getVisibilityTimeout(), redis.getMaxDeliveries(), redis.getRetention(),
					redis.getDeadLetterRetention(), redis.getDeadLetterLimit(), callbacks),
					ExecutionEventsListeners.of(events), lazy(workers));
		}

		/** The registry, looked up when first asked: it depends on this application's worker, which depends on the backend. */
		private static WorkerRegistry lazy(ObjectProvider<WorkerRegistry> workers) {
			return () -> {
				WorkerRegistry registry = workers.getIfAvailable();
				if (registry == null) {
					throw new IllegalStateException("no worker registry");
				}
				return registry.workers();
			};
		}

		/** Results of @CacheResult methods, shared through Redis by every instance. */
		@Bean
		@ConditionalOnMissingBean(ResultCache.class)
		RedisResultCache executionResultCache(RedisConnections connections, ExecutionQueueProperties queue) {
			return new RedisResultCache(connections, queue.getRedis().getPrefix());
		}

		/** The recurring calls' latest ticks and pauses, shared by every instance. */
		@Bean
		@ConditionalOnMissingBean(io.execution.recurring.RecurringStore.class)
		io.execution.recurring.redis.RedisRecurringStore executionRecurringStore(RedisConnections connections,
				ExecutionQueueProperties queue) {
			return new io.execution.recurring.redis.RedisRecurringStore(connections, queue.getRedis().getPrefix());
		}

		@Bean
		@ConditionalOnMissingBean(ExecutionStore.class)
		RedisExecutionStore executionStore(RedisConnections connections, ExecutionQueueProperties queue,
				ExecutionsProperties executions) {
			return new RedisExecutionStore(connections, queue.getRedis().getPrefix(), executions.getRetention());
		}

		@Bean
		@ConditionalOnMissingBean(WorkerRegistry.class)
		RedisWorkerRegistry executionWorkerRegistry(RedisConnections connections, ExecutionQueueProperties queue,
				ExecutionWorkerProperties workers, ObjectProvider<LocalWorker> worker, ExecutionTimer timer) {
			return new RedisWorkerRegistry(connections, queue.getRedis().getPrefix(), worker.getIfAvailable(),
					workers.getHeartbeatInterval(), timer);
		}

	}

	/**
	 * Lettuce waits up to 30 s between reconnect attempts by default: a worker whose renewals
	 * wait that long after Redis came back would have its running calls taken over.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientResourcesBuilderCustomizer.class, RedisClient.class })
	static class ReconnectDelay {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		ClientResourcesBuilderCustomizer executionReconnectDelay(ExecutionQueueProperties queue) {
			Duration most = queue.getRedis().getReconnectDelay();
			Duration lease = queue.getRedis().getVisibilityTimeout().dividedBy(3);
			if (most.compareTo(lease) > 0) {
				LoggerFactory.getLogger(RedisQueueConfiguration.class)
					.warn("execution.queue.redis.reconnect-delay ({}) is longer than a third of"
							+ " execution.queue.redis.visibility-timeout ({}): after a Redis outage, workers may"
							+ " reconnect too late to keep their running calls", most,
							queue.getRedis().getVisibilityTimeout());
			}
			return (builder) -> builder
				.reconnectDelay(Delay.exponential(Duration.ofMillis(1), most, 2, TimeUnit.MILLISECONDS));
		}

	}

	/** Endpoints with a service-id find the workers that serve it over HTTP in the registry. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.execution.http.HttpDiscovery", "io.execution.queue.redis.RedisQueueBackend" })
	static class WorkerRegistryDiscovery {

		@Bean
		io.execution.http.HttpDiscovery executionRegistryDiscovery(ObjectProvider<WorkerRegistry> registry) {
			return new RegistryDiscovery(() -> registry.getObject().workers());
		}

	}

	/**
	 * Keeps Execution's own Redis commands out of Lettuce's tracing: Lettuce's synchronous and
	 * asynchronous APIs start each command's span on its I/O thread, where no call's observation
	 * is current, so every command would start a trace of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceObservationContext.class, ObservationPredicate.class })
	@ConditionalOnBooleanProperty(name = "execution.queue.redis.trace-commands", havingValue = false, matchIfMissing = true)
	static class UntracedCommands {

		@Bean
		ObservationPredicate executionUntracedRedisCommands(ExecutionQueueProperties queue) {
			byte[] prefix = (queue.getRedis().getPrefix() + ":{").getBytes(StandardCharsets.UTF_8);
			return (name, context) -> !(context instanceof LettuceObservationContext lettuce) || !lettuce.hasCommand()
					|| !startsWith(lettuce.getRequiredCommand(), prefix);
		}

		/** Whether the command's first key is one of Execution's. */
		private static boolean startsWith(RedisCommand<?, ?, ?> command, byte[] prefix) {
			CommandArgs<?, ?> args = command.getArgs();
			ByteBuffer key = (args != null) ? args.getFirstEncodedKey() : null;
			if (key == null || key.remaining() < prefix.length) {
				return false;
			}
			for (int i = 0; i < prefix.length; i++) {
				if (key.get(key.position() + i) != prefix[i]) {
					return false;
				}
			}
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(WithoutLettuce.Missing.class)
	static class WithoutLettuce {

		@Bean
		QueueBackend executionQueueBackend() {
			throw new InvalidConfigurationPropertyValueException("execution.queue.backend", "redis",
					"The redis queue backend needs Spring Data Redis with Lettuce (add spring-boot-starter-data-redis)"
							+ " and io.execution:execution-redis (execution-spring-boot-starter brings it).");
		}

		/** Spring Data Redis with Lettuce, or Execution's Redis module, is not on the class path. */
		static final class Missing extends AnyNestedCondition {

			Missing() {
				super(ConfigurationPhase.REGISTER_BEAN);
			}

			@ConditionalOnMissingClass("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
			static final class NoLettuce {

			}

			@ConditionalOnMissingClass("io.execution.queue.redis.RedisQueueBackend")
			static final class NoRedisModule {

			}

		}

	}

}
