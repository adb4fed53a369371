package io.execution.autoconfigure;

import io.execution.client.ExecutionClientFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;

/**
 * Makes the client proxy of one scanned {@code @ExecutionClient} interface.
 *
 * @param <T> the interface type
 */
public class ExecutionClientFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware {

	private final Class<T> type;

	private BeanFactory beanFactory;

	public ExecutionClientFactoryBean(Class<T> type) {
		this.type = type;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public T getObject() {
		return this.beanFactory.getBean(ExecutionClientFactory.class).create(this.type);
	}

	@Override
	public Class<?> getObjectType() {
		return this.type;
	}

}
