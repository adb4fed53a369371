package io.execution.service;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.execution.ExecutionDefinitionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service this application offers: its name, the bean that implements it and its methods,
 * found by name and argument count.
 */
public final class ServiceDefinition {

	private final String name;

	private final Object bean;

	private final Map<String, ServiceMethod> methods;

	/** The methods by name alone; {@code null} for a name several overloads share. */
	private final Map<String, ServiceMethod> byName = new HashMap<>();

	ServiceDefinition(String name, Object bean, Collection<Method> methods, JsonMapper mapper) {
		this.name = name;
		this.bean = bean;
		Map<String, ServiceMethod> byKey = new LinkedHashMap<>();
		for (Method method : methods) {
			if (method.isDefault() || method.isSynthetic() || method.isBridge()
					|| Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			String key = key(method.getName(), method.getParameterCount());
			ServiceMethod existing = byKey.get(key);
			if (existing != null && !sameSignature(existing.method(), method)) {
				throw new ExecutionDefinitionException("@ExecutionService '" + name + "' (" + method.getDeclaringClass()
						.getName() + ") has two methods named '" + method.getName() + "' taking "
						+ method.getParameterCount() + " arguments: " + existing.method() + " and " + method + ".",
						"Rename one of them: callers pick an overload by its number of arguments only.");
			}
			byKey.putIfAbsent(key, new ServiceMethod(name, method, bean, mapper));
		}
		this.methods = Collections.unmodifiableMap(byKey);
		Map<String, Long> overloads = byKey.values()
			.stream()
			.collect(Collectors.groupingBy(ServiceMethod::name, Collectors.counting()));
		byKey.values()
			.stream()
			.filter((found) -> overloads.get(found.name()) == 1)
			.forEach((found) -> this.byName.put(found.name(), found));
	}

	/**
	 * The service name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The bean behind the service.
	 * @return the bean
	 */
	public Object bean() {
		return this.bean;
	}

	/**
	 * Finds a method.
	 * @param method the method name
	 * @param arity the number of arguments
	 * @return the method, or {@code null}
	 */
	public ServiceMethod method(String method, int arity) {
		return this.methods.get(key(method, arity));
	}

	/**
	 * Finds a method by its name alone.
	 * @param method the method name
	 * @return the method, or {@code null} when there is none or several overloads share the name
	 */
	ServiceMethod onlyMethodNamed(String method) {
		return this.byName.get(method);
	}

	/**
	 * The methods offered.
	 * @return the methods
	 */
	public List<ServiceMethod> methods() {
		return new ArrayList<>(this.methods.values());
	}

	private static boolean sameSignature(Method a, Method b) {
		return java.util.Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
	}

	static String key(String method, int arity) {
		return method + '/' + arity;
	}

}
