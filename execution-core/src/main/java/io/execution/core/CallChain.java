package io.execution.core;

import java.util.ArrayList;
import java.util.List;

import io.execution.ExecutionRejectedException;

/**
 * The endpoints the call being served has passed through, so that a call a service makes while
 * serving one continues its chain. A call that would enter an endpoint already on its chain, or go
 * deeper than {@value #MAX_DEPTH} endpoints, is a cycle and is rejected.
 */
public final class CallChain {

	/** The deepest chain allowed. */
	public static final int MAX_DEPTH = 10;

	private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();

	private CallChain() {
	}

	/**
	 * The chain of the call this thread is serving.
	 * @return the chain, empty outside a call
	 */
	public static List<String> current() {
		List<String> chain = CURRENT.get();
		return (chain != null) ? chain : List.of();
	}

	/**
	 * Runs code as part of a call with the given chain.
	 * @param chain the chain
	 * @return the chain that was current before, to hand back to {@link #restore}
	 */
	public static List<String> enter(List<String> chain) {
		List<String> previous = CURRENT.get();
		CURRENT.set(chain.isEmpty() ? null : chain);
		return previous;
	}

	/**
	 * Restores the chain {@link #enter} replaced.
	 * @param previous the previous chain
	 */
	public static void restore(List<String> previous) {
		if (previous == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(previous);
		}
	}

	/**
	 * Extends a chain with the endpoint a call is about to enter.
	 * @param chain the chain so far
	 * @param endpoint the endpoint
	 * @param method the method called, for the message
	 * @return the longer chain
	 * @throws ExecutionRejectedException when that is a cycle or too deep
	 */
	public static List<String> extend(List<String> chain, String endpoint, ClientMethod method) {
		if (chain.isEmpty()) {
			return List.of(endpoint);
		}
		if (chain.contains(endpoint)) {
			throw new ExecutionRejectedException("Call " + method + " rejected: cycle detected, it would re-enter endpoint '"
					+ endpoint + "' (chain " + String.join(" -> ", chain) + ")");
		}
		if (chain.size() >= MAX_DEPTH) {
			throw new ExecutionRejectedException("Call " + method + " rejected: chain deeper than " + MAX_DEPTH
					+ " endpoints (" + String.join(" -> ", chain) + ")");
		}
		List<String> extended = new ArrayList<>(chain.size() + 1);
		extended.addAll(chain);
		extended.add(endpoint);
		return List.copyOf(extended);
	}

}
