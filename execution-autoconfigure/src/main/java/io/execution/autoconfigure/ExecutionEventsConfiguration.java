package io.execution.autoconfigure;

import io.execution.core.Dispatcher;
import io.execution.core.ExecutionEvents;
import io.execution.http.HttpTransportFactory;
import io.execution.queue.redis.RedisQueueBackend;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Hands the dispatcher and the transports a multicaster of {@link ExecutionEvents} beans (such
 * as the metrics), resolved at the first event so that listeners may depend on them.
 */
class ExecutionEventsConfiguration implements BeanPostProcessor, BeanFactoryAware {

	private static final boolean REDIS = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			ExecutionEventsConfiguration.class.getClassLoader());

	private ExecutionEvents events = ExecutionEvents.NONE;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		ObjectProvider<ExecutionEvents> listeners = beanFactory.getBeanProvider(ExecutionEvents.class);
		this.events = ExecutionEvents.of(() -> listeners.orderedStream().toList());
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof Dispatcher dispatcher) {
			dispatcher.setEvents(this.events);
		}
		else if (bean instanceof HttpTransportFactory http) {
			http.setEvents(this.events);
		}
		else if (REDIS && bean instanceof RedisQueueBackend redis) {
			redis.setEvents(this.events);
		}
		return bean;
	}

}
