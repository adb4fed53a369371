package io.execution.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.ExecutionClient;
import io.execution.ExecutionDefinitionException;
import io.execution.ExecutionException;
import io.execution.core.ClientMethod;
import io.execution.core.Dispatcher;
import io.execution.core.ResultStreams;
import io.execution.service.ServiceRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Makes client proxies: an implementation of an interface whose every call goes through the
 * {@link Dispatcher}. Each method is resolved once, here, into a {@link ClientMethod}.
 * <pre>
 * Thumbnails thumbnails = clients.create(Thumbnails.class);
 * </pre>
 */
public final class ExecutionClientFactory {

	private final Dispatcher dispatcher;

	private final JsonMapper mapper;

	private final Set<String> services = ConcurrentHashMap.newKeySet();

	private final Map<String, ClientMethod> byKey = new ConcurrentHashMap<>();

	private final ServiceRegistry localServices;

	/**
	 * Makes a factory.
	 * @param dispatcher the dispatcher calls go through
	 * @param mapper the mapper results are bound with
	 */
	public ExecutionClientFactory(Dispatcher dispatcher, JsonMapper mapper) {
		this(dispatcher, mapper, null);
	}

	/**
	 * Makes a factory that also knows the methods of this application's own services, for
	 * executions started by name (over HTTP) of services no client interface declares.
	 * @param dispatcher the dispatcher calls go through
	 * @param mapper the mapper results are bound with
	 * @param services this application's services, or {@code null}
	 */
	public ExecutionClientFactory(Dispatcher dispatcher, JsonMapper mapper, ServiceRegistry services) {
		this.dispatcher = dispatcher;
		this.mapper = mapper;
		this.localServices = services;
	}

	/**
	 * Makes a client for an interface, calling the service its
	 * {@link ExecutionClient @ExecutionClient} annotation names (else its simple name).
	 * @param type the interface
	 * @param <T> the interface type
	 * @return the client
	 */
	public <T> T create(Class<T> type) {
		return create(type, ServiceRegistry.clientName(type));
	}

	/**
	 * Makes a client for an interface that calls the named service.
	 * @param type the interface
	 * @param service the service name
	 * @param <T> the interface type
	 * @return the client
	 */
	public <T> T create(Class<T> type, String service) {
		Assert.isTrue(type.isInterface(), () -> type.getName() + " is not an interface");
		Map<Method, ClientMethod> methods = new HashMap<>();
		Map<String, Method> byKey = new HashMap<>();
		for (Method method : type.getMethods()) {
			if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			String key = method.getName() + "/" + method.getParameterCount();
			Method other = byKey.putIfAbsent(key, method);
			if (other != null && !java.util.Arrays.equals(other.getParameterTypes(), method.getParameterTypes())) {
				throw new ExecutionDefinitionException("@ExecutionClient " + type.getName() + " has two methods named '"
						+ method.getName() + "' taking " + method.getParameterCount() + " arguments: " + other + " and "
						+ method + ".", "Rename one of them: services pick an overload by its number of arguments only.");
			}
			ClientMethod resolved = ClientMethod.of(service, method, this.mapper, Idempotency.of(method));
			methods.put(method, resolved);
			this.byKey.putIfAbsent(key(service, resolved.name(), resolved.arity()), resolved);
		}
		this.services.add(service);
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new ClientHandler(type, service, new MethodTable(Map.copyOf(methods)), this.dispatcher));
		return type.cast(proxy);
	}

	/**
	 * Finds a method by name: of the clients made so far, else of this application's own
	 * services.
	 * @param service the service name
	 * @param name the method name
	 * @param arity the number of arguments
	 * @return the method
	 * @throws io.execution.ServiceNotFoundException when neither has it
	 */
	public ClientMethod method(String service, String name, int arity) {
		String key = key(service, name, arity);
		ClientMethod method = this.byKey.get(key);
		if (method != null) {
			return method;
		}
		if (this.localServices == null || !this.localServices.contains(service)) {
			throw new io.execution.ServiceNotFoundException("Unknown service '" + service
					+ "': no @ExecutionClient of this application calls it and it has no such @ExecutionService");
		}
		Method target = this.localServices.method(service, name, arity).method();
		return this.byKey.computeIfAbsent(key,
				(missing) -> ClientMethod.of(service, target, this.mapper, Idempotency.of(target)));
	}

	private static String key(String service, String name, int arity) {
		return service + "." + name + "/" + arity;
	}

	/**
	 * The methods of the clients made so far (and of local services looked up by name).
	 * @return the methods
	 */
	public java.util.Collection<ClientMethod> methods() {
		return java.util.List.copyOf(this.byKey.values());
	}

	/**
	 * The services the clients made so far call.
	 * @return the service names
	 */
	public Set<String> services() {
		return Set.copyOf(this.services);
	}

	private record ClientHandler(Class<?> type, String service, MethodTable methods,
			Dispatcher dispatcher) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			ClientMethod target = this.methods.get(method);
			if (target != null) {
				if (CapturedCall.record(target, args)) {
					return CapturedCall.placeholder(target);
				}
				return switch (target.style()) {
					case FUTURE -> this.dispatcher.callAsync(target, args);
					case STREAM -> this.dispatcher.stream(target, args);
					case FLUX -> ResultStreams.flux(() -> this.dispatcher.stream(target, args));
					case VOID -> {
						this.dispatcher.call(target, args);
						yield null;
					}
					case SYNC -> {
						Object result = this.dispatcher.call(target, args);
						if (result == null && target.primitiveResult()) {
							throw new ExecutionException("Call " + target + " returned null for primitive return type "
									+ method.getReturnType());
						}
						yield result;
					}
				};
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "ExecutionClient[" + this.type.getName() + " -> " + this.service + "]";
				default -> throw new IllegalStateException("Unexpected method " + method);
			};
		}

	}

	/**
	 * A client's methods by the {@link Method} its proxy hands to the handler. The proxy hands
	 * over the same instance on every call, but an instance of its own, not the interface's:
	 * found by equality the first time (which compares the parameter types), by identity after.
	 */
	private static final class MethodTable {

		private final Map<Method, ClientMethod> byEquality;

		/** Copied on write; an addition lost to a race is found by equality again. */
		private volatile java.util.IdentityHashMap<Method, ClientMethod> seen = new java.util.IdentityHashMap<>();

		MethodTable(Map<Method, ClientMethod> byEquality) {
			this.byEquality = byEquality;
		}

		ClientMethod get(Method method) {
			ClientMethod found = this.seen.get(method);
			if (found == null && (found = this.byEquality.get(method)) != null) {
				java.util.IdentityHashMap<Method, ClientMethod> more = new java.util.IdentityHashMap<>(this.seen);
				more.put(method, found);
				this.seen = more;
			}
			return found;
		}

	}

}
