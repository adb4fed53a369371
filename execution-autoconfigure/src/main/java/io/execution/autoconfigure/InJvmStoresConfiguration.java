package io.execution.autoconfigure;

import io.execution.async.ExecutionStore;
import io.execution.async.MemoryExecutionStore;
import io.execution.core.MemoryResultCache;
import io.execution.core.ResultCache;
import io.execution.registry.LocalWorkerRegistry;
import io.execution.registry.WorkerRegistry;
import io.execution.worker.LocalWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Executions, cached results, recurring ticks and the worker registry kept in this JVM: the
 * memory backend's, and the jdbc backend's until it keeps them in the database.
 */
@Configuration(proxyBeanMethods = false)
class InJvmStoresConfiguration {

	/** Results of @CacheResult methods, in this JVM. */
	@Bean
	@ConditionalOnMissingBean(ResultCache.class)
	MemoryResultCache executionResultCache() {
		return new MemoryResultCache(MemoryQueueConfiguration.MEMORY_CACHE_CAPACITY);
	}

	/** The recurring calls' latest ticks and pauses: this JVM's, as its instances are this one. */
	@Bean
	@ConditionalOnMissingBean(io.execution.recurring.RecurringStore.class)
	io.execution.recurring.MemoryRecurringStore executionRecurringStore() {
		return new io.execution.recurring.MemoryRecurringStore();
	}

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

}
