package io.execution.autoconfigure;

import java.util.Map;

import io.execution.ExecutionService;
import io.execution.ServiceNotFoundException;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.Endpoint;
import io.execution.core.Endpoints;
import io.execution.service.ServiceRegistry;
import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerOperationsService;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Once every singleton exists: registers the {@link ExecutionService @ExecutionService} beans,
 * then checks that every client in use has an endpoint, so that a missing
 * {@code execution.endpoints.<name>} entry fails the start-up rather than the first call.
 */
class ExecutionServiceRegistrar implements SmartInitializingSingleton, BeanFactoryAware {

	private ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ServiceRegistry services = this.beanFactory.getBean(ServiceRegistry.class);
		Map<String, Object> beans = this.beanFactory.getBeansWithAnnotation(ExecutionService.class);
		beans.forEach((name, bean) -> services.register(bean, AopUtils.getTargetClass(bean)));
		this.beanFactory.getBeanProvider(WorkerOperationsService.class)
			.ifAvailable((operations) -> services.register(WorkerOperations.SERVICE, operations,
					WorkerOperationsService.class));
		Endpoints endpoints = this.beanFactory.getBean(Endpoints.class);
		for (Endpoint endpoint : endpoints.all().values()) {
			for (String fallback : endpoint.fallbacks()) {
				try {
					endpoints.resolve(fallback);
				}
				catch (ServiceNotFoundException ex) {
					throw new UnresolvedEndpointException(fallback, ex);
				}
			}
		}
		for (String service : this.beanFactory.getBean(ExecutionClientFactory.class).services()) {
			try {
				endpoints.resolve(service);
			}
			catch (ServiceNotFoundException ex) {
				throw new UnresolvedEndpointException(service, ex);
			}
		}
	}

}
