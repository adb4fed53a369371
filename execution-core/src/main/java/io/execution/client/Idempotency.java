package io.execution.client;

import java.lang.reflect.Method;

import io.execution.Idempotent;

/**
 * Whether a client method may safely run more than once: marked {@link Idempotent @Idempotent}
 * itself or on its interface.
 */
final class Idempotency {

	private Idempotency() {
	}

	static boolean of(Method method) {
		return method.isAnnotationPresent(Idempotent.class)
				|| method.getDeclaringClass().isAnnotationPresent(Idempotent.class);
	}

}
