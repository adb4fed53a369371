package io.execution.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.execution.ExecutionDefinitionException;
import io.execution.ExecutionService;
import io.execution.ServiceNotFoundException;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.Endpoint;
import io.execution.core.Endpoints;
import io.execution.service.ServiceRegistry;
import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerOperationsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	private static final Logger logger = LoggerFactory.getLogger(ExecutionServiceRegistrar.class);

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
		Set<String> clients = this.beanFactory.getBean(ExecutionClientFactory.class).services();
		ExecutionProperties properties = this.beanFactory.getBeanProvider(ExecutionProperties.class).getIfAvailable();
		if (properties != null && properties.isLocalOnly()) {
			for (String service : clients) {
				if (!services.contains(service)) {
					throw new ExecutionDefinitionException("execution.local-only is set, so every call runs in this"
							+ " JVM, but this application has no @ExecutionService named '" + service + "' for its"
							+ " client.", "Add one to the test's configuration (a @TestConfiguration with an"
									+ " @ExecutionService bean implementing the client interface), or leave"
									+ " execution.local-only unset.");
				}
			}
		}
		for (String service : clients) {
			try {
				endpoints.resolve(service);
			}
			catch (ServiceNotFoundException ex) {
				throw new UnresolvedEndpointException(service, ex);
			}
		}
		Set<String> known = new TreeSet<>(clients);
		// Clients not made yet (looked up later, or lazily injected) count as well.
		for (Class<?> type : clientTypes(this.beanFactory)) {
			known.add(ServiceRegistry.clientName(type));
			// Checked as if injected (@CacheResult, overloads): a client nothing injects yet still fails the start.
			this.beanFactory.getBean(io.execution.client.ExecutionClientFactory.class).create(type);
		}
		services.services().forEach((service) -> known.add(service.name()));
		endpoints.all().values().forEach((endpoint) -> known.addAll(endpoint.fallbacks()));
		if (properties != null) {
			checkNames(properties.getEndpoints().keySet(), known);
			// Only once the names are right: a typo is said as one, not as a queue nobody serves.
			if (this.beanFactory.getBeanProvider(io.execution.queue.memory.MemoryQueueBackend.class)
				.getIfAvailable() != null) {
				MemoryQueueConfiguration.checkServed(properties,
						this.beanFactory.getBean(ExecutionWorkerProperties.class));
			}
		}
	}

	/**
	 * The interfaces of every client bean, made or not yet made (looked up later, injected lazily).
	 * @param beans the bean factory
	 * @return the interfaces
	 */
	static java.util.List<Class<?>> clientTypes(ConfigurableListableBeanFactory beans) {
		java.util.List<Class<?>> types = new java.util.ArrayList<>();
		for (String name : beans.getBeanNamesForType(ExecutionClientFactoryBean.class, true, false)) {
			Object factory = beans.getBean(name.startsWith("&") ? name : "&" + name);
			if (factory instanceof ExecutionClientFactoryBean<?> client && client.getObjectType() != null) {
				types.add(client.getObjectType());
			}
		}
		return types;
	}

	/**
	 * An endpoint configured under a name nothing here uses: a name one or two letters away from
	 * one in use is a typo, which would leave that service running as it was, so the start fails;
	 * any other is reported (it may serve a client made later, or another application sharing
	 * the configuration).
	 */
	private static void checkNames(Set<String> configured, Set<String> known) {
		for (String name : configured) {
			if (known.contains(name)) {
				continue;
			}
			String near = known.stream().filter((candidate) -> close(name, candidate)).findFirst().orElse(null);
			if (near != null) {
				throw new ExecutionDefinitionException("execution.endpoints." + name + " is configured, but nothing in"
						+ " this application is named '" + name + "': its clients and services are " + known + ", so the"
						+ " setting is ignored and '" + near + "' keeps its own endpoint.",
						"Did you mean execution.endpoints." + near + "? Correct the name, or remove the entry.");
			}
			logger.warn("execution.endpoints.{} is configured, but no @ExecutionClient or @ExecutionService of this"
					+ " application is named '{}' (its clients and services are {}); the entry is not used here", name,
					name, known);
		}
	}

	/** Whether two names differ by at most two edits, or only in case and separators. */
	static boolean close(String a, String b) {
		if (normalized(a).equals(normalized(b))) {
			return true;
		}
		if (Math.abs(a.length() - b.length()) > 2 || Math.min(a.length(), b.length()) < 4) {
			return false;
		}
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()] <= 2;
	}

	private static String normalized(String name) {
		return name.replace("-", "").replace("_", "").replace(".", "").toLowerCase(Locale.ROOT);
	}

}
