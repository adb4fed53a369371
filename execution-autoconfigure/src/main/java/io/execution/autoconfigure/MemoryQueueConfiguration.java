package io.execution.autoconfigure;

import java.util.Map;

import io.execution.async.ExecutionStore;
import io.execution.async.MemoryExecutionStore;
import io.execution.autoconfigure.ExecutionProperties.Endpoint;
import io.execution.autoconfigure.ExecutionProperties.Mode;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.core.MemoryResultCache;
import io.execution.core.ResultCache;
import io.execution.queue.QueueBackend;
import io.execution.queue.memory.MemoryQueueBackend;
import io.execution.registry.LocalWorkerRegistry;
import io.execution.registry.WorkerRegistry;
import io.execution.worker.LocalWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The in-memory queue backend, the embedded default. Its queues live in this JVM, so each one
 * that an endpoint uses must be served by a worker pool of this application: that is checked
 * here, at start-up.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "memory", matchIfMissing = true)
class MemoryQueueConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(QueueBackend.class)
	MemoryQueueBackend executionQueueBackend(ExecutionQueueProperties queue, ExecutionProperties properties,
			ExecutionWorkerProperties worker, ObjectProvider<ExecutionEvents> events, ExecutionTimer timer) {
		if (queue.getCapacity() < 1) {
			throw new InvalidConfigurationPropertyValueException("execution.queue.capacity", queue.getCapacity(),
					"A queue must hold at least one request.");
		}
		checkServed(properties, worker);
		return new MemoryQueueBackend(queue.getCapacity(), ExecutionEventsListeners.of(events), timer.scheduler());
	}

	/** Results of @CacheResult methods, in this JVM. */
	@Bean
	@ConditionalOnMissingBean(ResultCache.class)
	MemoryResultCache executionResultCache() {
		return new MemoryResultCache(MEMORY_CACHE_CAPACITY);
	}

	/** The most results the memory cache holds. */
	static final int MEMORY_CACHE_CAPACITY = 10_000;

	@Bean
	@ConditionalOnMissingBean(ExecutionStore.class)
	MemoryExecutionStore executionStore(ExecutionsProperties executions) {
		return new MemoryExecutionStore(executions.getRetention(), executions.getMemoryCapacity());
	}

	@Bean
	@ConditionalOnMissingBean(WorkerRegistry.class)
	LocalWorkerRegistry executionWorkerRegistry(ObjectProvider<LocalWorker> worker) {
		return new LocalWorkerRegistry(worker::getIfAvailable);
	}

	private static void checkServed(ExecutionProperties properties, ExecutionWorkerProperties worker) {
		for (Map.Entry<String, Endpoint> entry : properties.getEndpoints().entrySet()) {
			if (properties.modeOf(entry.getValue()) != Mode.QUEUE) {
				continue;
			}
			String queue = ExecutionQueueAutoConfiguration.queueOf(entry.getKey(), entry.getValue());
			if (!worker.isEnabled() || !worker.getQueues().contains(queue)) {
				throw new InvalidConfigurationPropertyValueException("execution.endpoints." + entry.getKey() + ".queue",
						queue, "With the memory queue backend (execution.queue.backend=memory) only this application's"
								+ " own workers can serve queue '" + queue + "': set execution.worker.enabled=true and"
								+ " add '" + queue + "' to execution.worker.queues, or use execution.queue.backend=redis.");
			}
		}
	}

}
