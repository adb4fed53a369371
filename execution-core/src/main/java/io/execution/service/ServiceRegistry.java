package io.execution.service;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.ExecutionClient;
import io.execution.ExecutionDefinitionException;
import io.execution.ExecutionService;
import io.execution.ServiceNotFoundException;
import io.execution.codec.ArgumentTypes;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The services this application offers, by name: what local calls, HTTP requests and queue
 * workers run.
 */
public final class ServiceRegistry {

	private final JsonMapper mapper;

	private final Map<String, ServiceDefinition> services = new ConcurrentHashMap<>();

	/**
	 * Makes an empty registry.
	 * @param mapper the mapper that binds arguments
	 */
	public ServiceRegistry(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Registers a service bean under the name its {@link ExecutionService @ExecutionService}
	 * annotation and interfaces give it.
	 * @param bean the bean (possibly a proxy)
	 * @param type the bean's own class, as written by the user
	 * @return the definition
	 */
	public ServiceDefinition register(Object bean, Class<?> type) {
		return register(serviceName(type), bean, type);
	}

	/**
	 * Registers a service bean under a name.
	 * @param name the service name
	 * @param bean the bean (possibly a proxy)
	 * @param type the bean's own class
	 * @return the definition
	 */
	public ServiceDefinition register(String name, Object bean, Class<?> type) {
		ServiceDefinition definition = new ServiceDefinition(name, bean, offeredMethods(type, bean), this.mapper);
		ServiceDefinition existing = this.services.putIfAbsent(name, definition);
		if (existing != null && existing.bean() != bean) {
			throw new ExecutionDefinitionException("Two beans offer service '" + name + "': " + existing.bean()
				.getClass()
				.getName() + " and " + type.getName() + ".",
					"Give one of them another name with @ExecutionService(\"…\"), or keep one of them.");
		}
		return (existing != null) ? existing : definition;
	}

	/**
	 * Whether a service of this name is offered.
	 * @param name the service name
	 * @return {@code true} if registered
	 */
	public boolean contains(String name) {
		return this.services.containsKey(name);
	}

	/**
	 * Finds a service.
	 * @param name the service name
	 * @return the service, or {@code null}
	 */
	public ServiceDefinition find(String name) {
		return this.services.get(name);
	}

	/**
	 * The argument types of the methods offered, for binding a request's arguments as it is
	 * read: known for a method whose name no overload shares.
	 * @return the argument types
	 */
	public ArgumentTypes argumentTypes() {
		return this.argumentTypes;
	}

	private final ArgumentTypes argumentTypes = (service, method) -> {
		ServiceDefinition definition = this.services.get(service);
		ServiceMethod found = (definition != null) ? definition.onlyMethodNamed(method) : null;
		return (found != null) ? found.arguments() : null;
	};

	/**
	 * Finds a method of a service.
	 * @param service the service name
	 * @param method the method name
	 * @param arity the number of arguments
	 * @return the method
	 * @throws ServiceNotFoundException when there is no such service or method
	 */
	public ServiceMethod method(String service, String method, int arity) {
		ServiceDefinition definition = this.services.get(service);
		if (definition == null) {
			throw new ServiceNotFoundException("Unknown service '" + service + "'");
		}
		ServiceMethod found = definition.method(method, arity);
		if (found == null) {
			throw new ServiceNotFoundException(
					"Service '" + service + "' has no method '" + method + "' taking " + arity + " arguments");
		}
		return found;
	}

	/**
	 * The services offered.
	 * @return the services
	 */
	public Collection<ServiceDefinition> services() {
		return List.copyOf(this.services.values());
	}

	/**
	 * The service name of a class: the {@link ExecutionService @ExecutionService} value, else
	 * the name of the {@link ExecutionClient @ExecutionClient} interface it implements, else the
	 * simple name of its only interface, else its own simple name.
	 * @param type the service class
	 * @return the service name
	 */
	public static String serviceName(Class<?> type) {
		ExecutionService service = AnnotatedElementUtils.findMergedAnnotation(type, ExecutionService.class);
		if (service != null && StringUtils.hasText(service.value())) {
			return service.value();
		}
		List<Class<?>> interfaces = userInterfaces(type);
		for (Class<?> candidate : interfaces) {
			if (candidate.isAnnotationPresent(ExecutionClient.class)) {
				return clientName(candidate);
			}
		}
		return (interfaces.size() == 1) ? interfaces.get(0).getSimpleName() : type.getSimpleName();
	}

	/**
	 * The service name a client interface calls.
	 * @param client the client interface
	 * @return its {@link ExecutionClient @ExecutionClient} value, else its simple name
	 */
	public static String clientName(Class<?> client) {
		ExecutionClient annotation = client.getAnnotation(ExecutionClient.class);
		return (annotation != null && StringUtils.hasText(annotation.value())) ? annotation.value()
				: client.getSimpleName();
	}

	private static List<Class<?>> userInterfaces(Class<?> type) {
		List<Class<?>> interfaces = new ArrayList<>();
		for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			String name = candidate.getName();
			if (!name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jakarta.")
					&& !name.startsWith("org.springframework.")) {
				interfaces.add(candidate);
			}
		}
		return interfaces;
	}

	private static Collection<Method> offeredMethods(Class<?> type, Object bean) {
		Set<Method> methods = new LinkedHashSet<>();
		List<Class<?>> interfaces = userInterfaces(type);
		if (interfaces.isEmpty()) {
			for (Method method : type.getMethods()) {
				if (method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())) {
					methods.add(method);
				}
			}
		}
		else {
			// Interface methods are called on the bean itself, so proxies (transactions, security) still apply.
			for (Class<?> candidate : interfaces) {
				if (candidate.isInstance(bean)) {
					methods.addAll(List.of(candidate.getMethods()));
				}
			}
		}
		return methods;
	}

}
