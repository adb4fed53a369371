package io.execution.core;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.execution.CacheResult;
import io.execution.ExecutionDefinitionException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a caller needs to know about one method of a client interface, resolved once when the
 * client is created so that a call does no reflection or annotation work.
 *
 * @param service the service name
 * @param name the method name
 * @param method the interface method
 * @param parameterTypes the declared parameter types
 * @param style how the result is handed back
 * @param resultType the declared result type ({@code T} of {@code CompletableFuture<T>}); boxed
 * @param resultReader reads a result of {@code resultType}
 * @param idempotent whether the method may safely run more than once
 * @param elementType for a streaming method, the type of its elements ({@code resultType} is then
 * {@code List<T>}, what a transport that cannot stream answers with); else {@code null}
 * @param elementReader reads an element of {@code elementType}; {@code null} when not streaming
 * @param cacheFor how long its results are cached ({@link io.execution.CacheResult}), or {@code null}
 * @param retry the retries it declares ({@link io.execution.RetryFailed}), or {@code null}
 * @param keyParameter the index of its {@link io.execution.FairnessKey} parameter, -1 for none
 */
public record ClientMethod(String service, String name, Method method, JavaType[] parameterTypes, ReturnStyle style,
		JavaType resultType, ObjectReader resultReader, boolean idempotent, JavaType elementType,
		ObjectReader elementReader, Duration cacheFor, RetryPolicy retry, int keyParameter) {

	/**
	 * The fairness key a call names with its {@link io.execution.FairnessKey} argument.
	 * @param args the call's arguments
	 * @return the key, or {@code null} when the method names none or the argument is {@code null}
	 * @throws IllegalArgumentException when the argument is no valid key, naming the parameter
	 */
	public String fairnessKey(Object[] args) {
		if (this.keyParameter < 0 || args == null || args[this.keyParameter] == null) {
			return null;
		}
		String key = String.valueOf(args[this.keyParameter]);
		try {
			return io.execution.CallScope.fairnessKey(key).getFairnessKey();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The @FairnessKey argument of " + this.service + "." + this.name
					+ " (parameter " + this.keyParameter + ") is no valid key: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Resolves a method of a client interface.
	 * @param service the service name
	 * @param method the interface method
	 * @param mapper the mapper that binds results
	 * @param idempotent whether the method is declared idempotent
	 * @return the method's metadata
	 */
	public static ClientMethod of(String service, Method method, JsonMapper mapper, boolean idempotent) {
		JavaType[] parameterTypes = Arrays.stream(method.getGenericParameterTypes())
			.map(mapper::constructType)
			.toArray(JavaType[]::new);
		Class<?> raw = method.getReturnType();
		ReturnStyle style;
		Type result;
		if (raw == CompletableFuture.class || raw == CompletionStage.class) {
			style = ReturnStyle.FUTURE;
			Type generic = method.getGenericReturnType();
			result = (generic instanceof ParameterizedType parameterized) ? parameterized.getActualTypeArguments()[0]
					: Object.class;
		}
		else if (ResultStreams.isStream(raw)) {
			style = ResultStreams.isFlux(raw) ? ReturnStyle.FLUX : ReturnStyle.STREAM;
			Type generic = method.getGenericReturnType();
			JavaType element = mapper.constructType((generic instanceof ParameterizedType parameterized)
					? parameterized.getActualTypeArguments()[0] : Object.class);
			JavaType list = mapper.getTypeFactory().constructCollectionType(java.util.List.class, element);
			if (method.isAnnotationPresent(CacheResult.class)) {
				throw new ExecutionDefinitionException("@CacheResult is on streaming method " + service + "."
						+ method.getName() + ", whose elements are not cached.", "Remove it, or return a List.");
			}
			return new ClientMethod(service, method.getName(), method, parameterTypes, style, list,
					mapper.readerFor(list), idempotent, element, mapper.readerFor(element), null,
					RetryPolicy.declaredBy(service, method, idempotent), keyParameter(service, method));
		}
		else if (raw == void.class || raw == Void.class) {
			style = ReturnStyle.VOID;
			result = Void.class;
		}
		else {
			style = ReturnStyle.SYNC;
			result = raw.isPrimitive() ? MethodType.methodType(raw).wrap().returnType() : method.getGenericReturnType();
		}
		JavaType resultType = mapper.constructType(result);
		return new ClientMethod(service, method.getName(), method, parameterTypes, style, resultType,
				mapper.readerFor(resultType), idempotent, null, null, cacheFor(service, method, style),
				RetryPolicy.declaredBy(service, method, idempotent), keyParameter(service, method));
	}

	/** The index of the parameter marked {@link io.execution.FairnessKey}, checked once; -1 for none. */
	private static int keyParameter(String service, Method method) {
		int found = -1;
		java.lang.annotation.Annotation[][] annotations = method.getParameterAnnotations();
		for (int i = 0; i < annotations.length; i++) {
			for (java.lang.annotation.Annotation annotation : annotations[i]) {
				if (annotation instanceof io.execution.FairnessKey) {
					if (found >= 0) {
						throw new ExecutionDefinitionException("@FairnessKey is on parameters " + found + " and " + i
								+ " of " + service + "." + method.getName() + "; a call has one key.",
								"Keep it on one parameter.");
					}
					found = i;
				}
			}
		}
		return found;
	}

	/** The time to live of a {@link CacheResult} method's results, checked once. */
	private static Duration cacheFor(String service, Method method, ReturnStyle style) {
		CacheResult cached = method.getAnnotation(CacheResult.class);
		if (cached == null) {
			return null;
		}
		String where = "@CacheResult(ttl = \"" + cached.ttl() + "\") on " + service + "." + method.getName();
		if (style == ReturnStyle.VOID) {
			throw new ExecutionDefinitionException(where + " caches nothing: the method is void.", "Remove it.");
		}
		Duration ttl;
		try {
			ttl = duration(cached.ttl().trim());
		}
		catch (RuntimeException ex) {
			throw new ExecutionDefinitionException(where + ": the ttl is not a duration.",
					"Write 500ms, 30s, 5m, 1h, 1d or PT30S.");
		}
		if (ttl.isNegative() || ttl.isZero()) {
			throw new ExecutionDefinitionException(where + ": the ttl is not positive.", "Give it a positive ttl.");
		}
		return ttl;
	}

	/**
	 * Reads a duration as annotations write it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
	 * {@code 1d}, or ISO-8601.
	 * @param text the text
	 * @return the duration
	 * @throws RuntimeException when it is not one
	 */
	public static Duration duration(String text) {
		java.util.regex.Matcher simple = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text);
		if (!simple.matches()) {
			return Duration.parse(text);
		}
		long amount = Long.parseLong(simple.group(1));
		return switch (simple.group(2)) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			case "h" -> Duration.ofHours(amount);
			default -> Duration.ofDays(amount);
		};
	}

	/**
	 * The number of arguments, which with the name identifies the method on the service.
	 * @return the arity
	 */
	public int arity() {
		return this.parameterTypes.length;
	}

	/**
	 * Whether the method streams its results.
	 * @return {@code true} for {@code Stream<T>} and {@code Flux<T>}
	 */
	public boolean streaming() {
		return this.elementType != null;
	}

	/**
	 * Whether the result must not be {@code null} because the declared return type is primitive.
	 * @return {@code true} for a primitive return type
	 */
	public boolean primitiveResult() {
		return this.method.getReturnType().isPrimitive() && this.style == ReturnStyle.SYNC;
	}

	@Override
	public String toString() {
		return this.service + "." + this.name + "/" + arity();
	}

	@Override
	public boolean equals(Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

}
