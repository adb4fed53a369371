package io.execution.autoconfigure;

import io.execution.ExecutionClient;
import io.execution.ExecutionService;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link ExecutionClient @ExecutionClient} interfaces in the application's
 * auto-configuration packages, as Spring Data finds repositories, and registers a client bean
 * for each. The client is the primary bean of its interface, so that an application that also
 * has the implementation still injects the client (and its calls still go through the
 * dispatcher). Add packages with {@link ExecutionClientScan @ExecutionClientScan}.
 */
class ExecutionClientsRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	private BeanFactory beanFactory;

	private Environment environment;

	private ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (AutoConfigurationPackages.has(this.beanFactory)) {
			scan(AutoConfigurationPackages.get(this.beanFactory), registry, this.environment, this.resourceLoader);
		}
		// The client interfaces of this application's own services, wherever they lie (a shared
		// API module, say): without a client, injecting one would bypass the dispatcher silently.
		for (String name : registry.getBeanDefinitionNames()) {
			if (registry.getBeanDefinition(name) instanceof AnnotatedBeanDefinition definition
					&& definition.getMetadata().hasAnnotation(ExecutionService.class.getName())) {
				for (String type : definition.getMetadata().getInterfaceNames()) {
					registerIfClient(type, registry);
				}
			}
		}
	}

	/**
	 * Registers a client for each {@code @ExecutionClient} interface in the packages.
	 * @param packages the packages to scan, with their sub-packages
	 * @param registry where the clients go
	 * @param environment the environment
	 * @param resourceLoader loads the classes
	 */
	static void scan(Iterable<String> packages, BeanDefinitionRegistry registry, Environment environment,
			ResourceLoader resourceLoader) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				environment) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}
		};
		scanner.setResourceLoader(resourceLoader);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ExecutionClient.class, true, true));
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				register(candidate.getBeanClassName(), registry, resourceLoader);
			}
		}
	}

	private void registerIfClient(String className, BeanDefinitionRegistry registry) {
		try {
			Class<?> type = ClassUtils.forName(className, this.resourceLoader.getClassLoader());
			if (AnnotatedElementUtils.hasAnnotation(type, ExecutionClient.class)) {
				register(className, registry, this.resourceLoader);
			}
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// Not loadable here: not a client this application can use.
		}
	}

	private static void register(String className, BeanDefinitionRegistry registry, ResourceLoader resourceLoader) {
		if (registry.containsBeanDefinition(className)) {
			return;
		}
		Class<?> type = ClassUtils.resolveClassName(className, resourceLoader.getClassLoader());
		RootBeanDefinition definition = new RootBeanDefinition(ExecutionClientFactoryBean.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
		definition.setPrimary(true);
		registry.registerBeanDefinition(className, definition);
	}

}
