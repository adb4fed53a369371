package io.execution;

import io.execution.core.Dispatcher;

/**
 * A probe for {@code ArchitectureTest}: a class of the root package that reaches into the
 * dispatcher, which the rules must refuse (and which makes a cycle with the core). Test code only.
 */
public final class ArchitectureProbe {

	private ArchitectureProbe() {
	}

	static Class<?> reach() {
		return Dispatcher.class;
	}

}
