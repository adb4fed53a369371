package io.execution.autoconfigure;

import io.execution.async.ExecutionRecorder;
import io.execution.queue.QueueBackend;
import io.execution.registry.LocalWorker;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceRegistry;
import io.execution.worker.WorkerPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * Worker pools, one per queue in {@code execution.worker.queues}, when
 * {@code execution.worker.enabled} is {@code true}.
 */
@AutoConfiguration(after = { ExecutionAutoConfiguration.class, ExecutionQueueAutoConfiguration.class })
@ConditionalOnProperty(name = "execution.worker.enabled", havingValue = "true")
public final class ExecutionWorkerAutoConfiguration {

	@Bean
	@ConditionalOnBean(QueueBackend.class)
	@ConditionalOnMissingBean
	WorkerPools executionWorkerPools(ExecutionProperties properties, QueueBackend backend, ServiceExecutor executor,
			ObjectProvider<ExecutionRecorder> recorder) {
		ExecutionProperties.Worker worker = properties.getWorker();
		if (worker.getQueues().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("execution.worker.queues", "[]",
					"Workers are enabled (execution.worker.enabled=true) but serve no queue: list the queues to take"
							+ " calls from.");
		}
		if (worker.getConcurrency() < 1) {
			throw new InvalidConfigurationPropertyValueException("execution.worker.concurrency",
					worker.getConcurrency(), "A worker pool needs at least one thread.");
		}
		return new WorkerPools(backend, executor, worker.getQueues(), worker.getConcurrency(),
				worker.getShutdownGracePeriod(), recorder.getIfAvailable());
	}

	@Bean
	@ConditionalOnBean(WorkerPools.class)
	@ConditionalOnMissingBean
	LocalWorker executionLocalWorker(WorkerPools pools, ExecutionProperties properties, ServiceRegistry services) {
		return new LocalWorker(pools, properties.getWorker().getTags(), services);
	}

}
