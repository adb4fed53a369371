package io.execution.core;

import java.util.ArrayList;
import java.util.List;

import io.execution.ExecutionRejectedException;

/**
 * The call this thread is serving: the endpoints it has passed through and its deadline, so that
 * a call a service makes while serving one continues its chain and never outlives it. A call that
 * would enter an endpoint already on its chain, or go deeper than {@value #MAX_DEPTH} endpoints,
 * is a cycle and is rejected; a call's deadline is the earlier of its own endpoint's timeout and
 * what the served call has left.
 */
public final class CallChain {

	/** The deepest chain allowed. */
	public static final int MAX_DEPTH = 10;

	private static final ThreadLocal<Serving> CURRENT = new ThreadLocal<>();

	private CallChain() {
	}

	/**
	 * The chain of the call this thread is serving.
	 * @return the chain, empty outside a call
	 */
	public static List<String> current() {
		return chain(CURRENT.get());
	}

	/**
	 * The call this thread is serving, to read its {@linkplain #chain(Serving) chain} and
	 * {@linkplain #deadline(Serving, long) deadline} with one look at the thread.
	 * @return the served call, or {@code null} outside a call
	 */
	public static Serving serving() {
		return CURRENT.get();
	}

	/**
	 * The chain of a served call.
	 * @param serving what {@link #serving()} returned
	 * @return the chain, empty outside a call
	 */
	public static List<String> chain(Serving serving) {
		return (serving != null) ? serving.chain() : List.of();
	}

	/**
	 * The deadline of a call made now: its own, or the served call's when that comes first.
	 * @param ownDeadlineNanos the deadline from the call's own timeout, on {@link System#nanoTime()}
	 * @return the deadline to keep
	 */
	public static long deadline(long ownDeadlineNanos) {
		return deadline(CURRENT.get(), ownDeadlineNanos);
	}

	/**
	 * The deadline of a call made while serving a call: its own, or the served call's when that
	 * comes first.
	 * @param serving what {@link #serving()} returned
	 * @param ownDeadlineNanos the deadline from the call's own timeout, on {@link System#nanoTime()}
	 * @return the deadline to keep
	 */
	public static long deadline(Serving serving, long ownDeadlineNanos) {
		return (serving != null && serving.bounded() && serving.deadlineNanos() - ownDeadlineNanos < 0)
				? serving.deadlineNanos() : ownDeadlineNanos;
	}

	/**
	 * Runs code as part of a call with the given chain and deadline.
	 * @param chain the chain
	 * @param deadlineNanos the call's deadline on {@link System#nanoTime()}
	 * @return what was current before, to hand back to {@link #restore}
	 */
	public static Serving enter(List<String> chain, long deadlineNanos) {
		Serving previous = CURRENT.get();
		CURRENT.set(new Serving(chain, deadlineNanos, true));
		return previous;
	}

	/**
	 * Runs code as part of a chain without a deadline of its own (an execution being started,
	 * which outlives the request that started it).
	 * @param chain the chain
	 * @return what was current before, to hand back to {@link #restore}
	 */
	public static Serving enter(List<String> chain) {
		Serving previous = CURRENT.get();
		CURRENT.set(new Serving(chain, 0, false));
		return previous;
	}

	/**
	 * Restores what {@link #enter} replaced.
	 * @param previous what {@link #enter} returned
	 */
	public static void restore(Serving previous) {
		// Set, not removed: the thread keeps its entry, so the next call's enter does not make one.
		CURRENT.set(previous);
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

	/**
	 * The call a thread serves.
	 *
	 * @param chain the endpoints it passed through
	 * @param deadlineNanos its deadline on {@link System#nanoTime()}, when bounded
	 * @param bounded whether calls made while serving it end by its deadline
	 */
	public record Serving(List<String> chain, long deadlineNanos, boolean bounded) {
	}

}
