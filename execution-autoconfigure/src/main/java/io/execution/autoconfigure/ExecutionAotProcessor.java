package io.execution.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;

import io.execution.ExecutionClient;
import io.execution.ExecutionService;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Ahead-of-time processing (native images, and AOT on the JVM): what Execution does by
 * reflection at run time, registered as hints. The JDK proxy of each {@code @ExecutionClient}
 * interface; each client and service method callable by reflection; the arguments and results
 * of those methods bindable by Jackson (their types, recursively, as Spring's
 * {@link BindingReflectionHintsRegistrar} does for web controllers).
 */
class ExecutionAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> clients = new LinkedHashSet<>();
		Set<Class<?>> services = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
			Class<?> type = clientType(definition);
			if (type != null) {
				clients.add(type);
				continue;
			}
			Class<?> bean = beanFactory.getType(name, false);
			if (bean != null) {
				Class<?> user = ClassUtils.getUserClass(bean);
				if (AnnotatedElementUtils.hasAnnotation(user, ExecutionService.class)) {
					services.add(user);
					for (Class<?> contract : ClassUtils.getAllInterfacesForClassAsSet(user)) {
						if (AnnotatedElementUtils.hasAnnotation(contract, ExecutionClient.class)) {
							clients.add(contract);
						}
					}
				}
			}
		}
		if (clients.isEmpty() && services.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> register(generationContext.getRuntimeHints(), clients, services);
	}

	/** The interface a client bean definition makes, or {@code null} when it is not one. */
	private static Class<?> clientType(BeanDefinition definition) {
		Object type = definition.getAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE);
		if (type instanceof Class<?> declared && definition.getBeanClassName() != null
				&& definition.getBeanClassName().equals(ExecutionClientFactoryBean.class.getName())) {
			return declared;
		}
		if (type instanceof ResolvableType resolvable && resolvable.resolve() != null
				&& AnnotatedElementUtils.hasAnnotation(resolvable.resolve(), ExecutionClient.class)) {
			return resolvable.resolve();
		}
		return null;
	}

	static void register(RuntimeHints hints, Set<Class<?>> clients, Set<Class<?>> services) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Class<?> client : clients) {
			hints.proxies().registerJdkProxy(client);
			hints.reflection().registerType(client, MemberCategory.INVOKE_PUBLIC_METHODS);
			for (Method method : client.getMethods()) {
				bind(binding, hints, method);
			}
		}
		for (Class<?> service : services) {
			hints.reflection().registerType(service, MemberCategory.INVOKE_PUBLIC_METHODS);
			for (Method method : service.getMethods()) {
				if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
					bind(binding, hints, method);
				}
			}
		}
	}

	private static void bind(BindingReflectionHintsRegistrar binding, RuntimeHints hints, Method method) {
		Set<Type> types = new LinkedHashSet<>();
		types.add(method.getGenericReturnType());
		types.addAll(java.util.List.of(method.getGenericParameterTypes()));
		binding.registerReflectionHints(hints.reflection(), types.toArray(Type[]::new));
	}

}
