package io.execution.autoconfigure;

import java.util.Map;

import io.execution.autoconfigure.ExecutionProperties.Endpoint;
import io.execution.async.ExecutionStore;
import io.execution.codec.EnvelopeCodec;
import io.execution.queue.DeadLetters;
import io.execution.queue.QueueBackend;
import io.execution.queue.QueueLane;
import io.execution.queue.QueueTransportFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Queue mode: the transport of {@code mode: queue} endpoints over the configured backend: memory
 * (the default), redis or jdbc.
 */
@AutoConfiguration(before = ExecutionAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@Import({ MemoryQueueConfiguration.class, RedisQueueConfiguration.class, JdbcQueueConfiguration.class })
public final class ExecutionQueueAutoConfiguration {

	@Bean
	@ConditionalOnBean(QueueBackend.class)
	@ConditionalOnMissingBean
	QueueTransportFactory executionQueueTransportFactory(QueueBackend backend, EnvelopeCodec codec,
			ExecutionProperties properties) {
		Map<String, Endpoint> endpoints = properties.getEndpoints();
		return new QueueTransportFactory(backend, codec, (name) -> queueOf(name, endpoints.get(name)),
				(name) -> laneOf(endpoints.get(name)));
	}

	/** The queues' dead letters, for operators: a Java API, the Actuator endpoint and the HTTP routes. */
	/** Pauses and resumes queues for every worker sharing the backend. */
	@Bean
	@ConditionalOnBean(QueueBackend.class)
	@ConditionalOnMissingBean
	io.execution.queue.QueueControl executionQueueControl(QueueBackend backend) {
		return new io.execution.queue.QueueControl(backend);
	}

	@Bean
	@ConditionalOnBean(QueueBackend.class)
	@ConditionalOnMissingBean
	DeadLetters executionDeadLetters(QueueBackend backend, ObjectProvider<ExecutionStore> store, EnvelopeCodec codec,
			ExecutionProperties properties) {
		return new DeadLetters(backend, store.getIfAvailable(), codec, properties.getDefaultTimeout());
	}

	static QueueLane laneOf(Endpoint settings) {
		return (settings != null) ? new QueueLane(settings.getPriority(), null, settings.getRequires()) : QueueLane.DEFAULT;
	}

	static String queueOf(String endpoint, Endpoint settings) {
		return (settings != null && settings.getQueue() != null) ? settings.getQueue() : endpoint;
	}

}
