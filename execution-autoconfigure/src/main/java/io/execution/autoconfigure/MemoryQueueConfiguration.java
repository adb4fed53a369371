package io.execution.autoconfigure;

import java.util.Map;

import io.execution.autoconfigure.ExecutionProperties.Endpoint;
import io.execution.autoconfigure.ExecutionProperties.Mode;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.queue.QueueBackend;
import io.execution.queue.memory.MemoryQueueBackend;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The in-memory queue backend, the embedded default. Its queues live in this JVM, so each one
 * that an endpoint uses must be served by a worker pool of this application: that is checked
 * here, at start-up.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "execution.queue.backend", havingValue = "memory", matchIfMissing = true)
@Import(InJvmStoresConfiguration.class)
class MemoryQueueConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(QueueBackend.class)
	MemoryQueueBackend executionQueueBackend(ExecutionQueueProperties queue, ObjectProvider<ExecutionEvents> events,
			ExecutionTimer timer) {
		if (queue.getCapacity() < 1) {
			throw new InvalidConfigurationPropertyValueException("execution.queue.capacity", queue.getCapacity(),
					"A queue must hold at least one request.");
		}
		return new MemoryQueueBackend(queue.getCapacity(), ExecutionEventsListeners.of(events), timer.scheduler());
	}

	/** The most results the memory cache holds. */
	static final int MEMORY_CACHE_CAPACITY = 10_000;

	/**
	 * Each queue endpoint's queue is served by this application's own pools, as the memory backend
	 * needs: checked after the endpoints' names (a typo is said as one), naming the property the
	 * user wrote (the queue, else the mode, whose queue is the endpoint's name).
	 */
	static void checkServed(ExecutionProperties properties, ExecutionWorkerProperties worker) {
		for (Map.Entry<String, Endpoint> entry : properties.getEndpoints().entrySet()) {
			if (properties.modeOf(entry.getValue()) != Mode.QUEUE) {
				continue;
			}
			String queue = ExecutionQueueAutoConfiguration.queueOf(entry.getKey(), entry.getValue());
			if (!worker.isEnabled() || !worker.getQueues().contains(queue)) {
				boolean written = entry.getValue().getQueue() != null;
				String property = "execution.endpoints." + entry.getKey() + (written ? ".queue" : ".mode");
				throw new InvalidConfigurationPropertyValueException(property, written ? queue : "queue",
						"With the memory queue backend (execution.queue.backend=memory) only this application's"
								+ " own workers can serve queue '" + queue + "'" + (written ? "" : " (the endpoint's name)")
								+ ": set execution.worker.enabled=true and add '" + queue + "' to execution.worker.queues,"
								+ " or use execution.queue.backend=redis.");
			}
		}
	}

}
