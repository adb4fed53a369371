package io.execution.autoconfigure;

import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

import io.execution.async.ExecutionRecorder;
import io.execution.core.ExecutionTimer;
import io.execution.queue.QueueBackend;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceRegistry;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerPool;
import io.execution.worker.WorkerControl;
import io.execution.worker.WorkerPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

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
	WorkerPools executionWorkerPools(ExecutionWorkerProperties worker, QueueBackend backend, ServiceExecutor executor,
			ObjectProvider<ExecutionRecorder> recorder, ApplicationEventPublisher events, ExecutionTimer timer,
			Environment environment) {
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
				worker.getShutdownGracePeriod(), recorder.getIfAvailable(), readiness(events), timer, threads(environment),
				worker::options);
	}

	/**
	 * Virtual threads when the application runs on them ({@code spring.threads.virtual.enabled} on
	 * Java 21 or later; keep the application alive with {@code spring.main.keep-alive}), else
	 * platform threads.
	 */
	private static Function<String, ThreadFactory> threads(Environment environment) {
		if (ExecutionThreads.virtual(environment, "execution-worker-") == null) {
			return WorkerPool::platformThreads;
		}
		return (queue) -> ExecutionThreads.virtual(environment, "execution-worker-" + queue + "-");
	}

	/** Draining: not ready for more work, so that a readiness probe takes this instance out now. */
	private static WorkerPools.Readiness readiness(ApplicationEventPublisher events) {
		return (accepting) -> AvailabilityChangeEvent.publish(events, WorkerPools.class,
				accepting ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC);
	}

	/**
	 * On Redis, this worker's own control queue, so that another process reaches it alone
	 * ({@link io.execution.worker.Workers#of(String)}), drained or not.
	 */
	@Bean
	@ConditionalOnBean({ WorkerPools.class, QueueBackend.class })
	@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "redis")
	@ConditionalOnMissingBean
	WorkerControl executionWorkerControl(QueueBackend backend, ServiceExecutor executor, ExecutionTimer timer,
			LocalWorker worker, Environment environment) {
		// Its one thread is made as the pools' are: virtual when the application runs on them.
		return new WorkerControl(backend, executor, worker.id(), timer, threads(environment));
	}

	@Bean
	@ConditionalOnBean(WorkerPools.class)
	@ConditionalOnMissingBean
	LocalWorker executionLocalWorker(WorkerPools pools, ExecutionWorkerProperties worker, ServiceRegistry services,
			Environment environment) {
		LocalWorker local = new LocalWorker(pools, worker.getTags(), services);
		local.application(environment.getProperty("spring.application.name"));
		return local;
	}

}
