package io.execution.service;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;

import io.execution.codec.ArgumentTypes;
import io.execution.core.ResultStreams;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

/**
 * One method a service offers, resolved once at registration: what it takes, how to bind its
 * arguments from JSON, and how to call it.
 */
public final class ServiceMethod {

	private final String service;

	private final Method method;

	private final Object target;

	private final JavaType[] parameterTypes;

	private final ObjectReader[] argumentReaders;

	private final ArgumentTypes.Arguments arguments;

	private final boolean async;

	private final boolean streaming;

	ServiceMethod(String service, Method method, Object target, JsonMapper mapper) {
		this.service = service;
		this.method = method;
		this.target = target;
		this.parameterTypes = Arrays.stream(method.getGenericParameterTypes())
			.map(mapper::constructType)
			.toArray(JavaType[]::new);
		this.argumentReaders = Arrays.stream(this.parameterTypes).map(mapper::readerFor).toArray(ObjectReader[]::new);
		this.arguments = ArgumentTypes.Arguments.of(this.parameterTypes, this.argumentReaders);
		this.async = CompletionStage.class.isAssignableFrom(method.getReturnType());
		this.streaming = ResultStreams.isStream(method.getReturnType());
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * The service name.
	 * @return the service name
	 */
	public String service() {
		return this.service;
	}

	/**
	 * The method name.
	 * @return the name
	 */
	public String name() {
		return this.method.getName();
	}

	/**
	 * The Java method.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * The declared parameter types.
	 * @return the types, in order
	 */
	public JavaType[] parameterTypes() {
		return this.parameterTypes.clone();
	}

	/**
	 * The declared parameter types, not copied: for binding on the per-call path.
	 * @return the types, in order
	 */
	JavaType[] declaredTypes() {
		return this.parameterTypes;
	}

	/**
	 * The number of parameters.
	 * @return the arity
	 */
	public int arity() {
		return this.parameterTypes.length;
	}

	/**
	 * Whether the method returns a {@link CompletionStage} of its result.
	 * @return {@code true} for an asynchronous method
	 */
	public boolean async() {
		return this.async;
	}

	/**
	 * Whether the method returns a {@code Stream} or {@code Flux} of elements.
	 * @return {@code true} for a streaming method
	 */
	public boolean streaming() {
		return this.streaming;
	}

	/**
	 * Its argument types and readers, for binding arguments as an envelope is read.
	 * @return the arguments
	 */
	ArgumentTypes.Arguments arguments() {
		return this.arguments;
	}

	/**
	 * Reads the argument at a position as the declared parameter type.
	 * @param index the position
	 * @return a reader for that parameter
	 */
	ObjectReader argumentReader(int index) {
		return this.argumentReaders[index];
	}

	/**
	 * Calls the method on the service bean.
	 * @param args the arguments, of the declared types
	 * @return what the method returned
	 * @throws Throwable what the method threw, unwrapped
	 */
	public Object invoke(Object[] args) throws Throwable {
		try {
			return this.method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * A readable signature, such as {@code render(ImageRef, int)}.
	 * @return the signature
	 */
	public String signature() {
		StringBuilder text = new StringBuilder(name()).append('(');
		Class<?>[] types = this.method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
	}

	@Override
	public String toString() {
		return this.service + "." + signature();
	}

}
