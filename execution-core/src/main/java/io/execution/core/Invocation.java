package io.execution.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One call of a client method on its way to a service.
 *
 * @param id the invocation id, unique across processes; it travels with the request
 * @param method the client method called
 * @param args the arguments, as the caller passed them
 * @param deadlineNanos when the call must be done, on this JVM's {@link System#nanoTime()} clock
 * @param chain the endpoints this call has already passed through, oldest first
 * @param trace the trace context that travels with the call (filled in by the tracer, if any)
 * @param tracker hears how the call goes when it is an execution (started with an id that
 * outlives the caller); {@code null} for a plain call
 * @param dueNanos when a scheduled call is due, on the same clock; 0 for one due at once
 * @param scope the priority and fairness key the caller set around the call, or {@code null}
 * @param retries how the call runs again when its service throws ({@link RetryPolicy}), or
 * {@code null} for never
 */
public record Invocation(String id, ClientMethod method, Object[] args, long deadlineNanos, List<String> chain,
		Map<String, String> trace, ExecutionTracker tracker, long dueNanos, io.execution.CallScope scope,
		RetryPolicy.Retries retries) {

	public Invocation(String id, ClientMethod method, Object[] args, long deadlineNanos, List<String> chain) {
		this(id, method, args, deadlineNanos, chain, Map.of(), null, 0, null, null);
	}

	public Invocation(String id, ClientMethod method, Object[] args, long deadlineNanos, List<String> chain,
			Map<String, String> trace) {
		this(id, method, args, deadlineNanos, chain, trace, null, 0, null, null);
	}

	/**
	 * An invocation that runs as soon as it can.
	 * @param id the invocation id
	 * @param method the client method
	 * @param args the arguments
	 * @param deadlineNanos the deadline on this JVM's {@link System#nanoTime()} clock
	 * @param chain the endpoints it passed through
	 * @param trace the trace context's carrier
	 * @param tracker hears how an execution goes, or {@code null}
	 */
	public Invocation(String id, ClientMethod method, Object[] args, long deadlineNanos, List<String> chain,
			Map<String, String> trace, ExecutionTracker tracker) {
		this(id, method, args, deadlineNanos, chain, trace, tracker, 0, null, null);
	}

	/**
	 * How long until the call is due, for one scheduled to start later.
	 * @return the nanoseconds until it is due; 0 when it is due now
	 */
	public long delayNanos() {
		return (this.dueNanos == 0) ? 0 : Math.max(0, this.dueNanos - System.nanoTime());
	}

	/**
	 * Whether this call is an execution, whose record is kept by id where it runs.
	 * @return {@code true} when it has a tracker
	 */
	public boolean isExecution() {
		return this.tracker != null;
	}

	/**
	 * Starts an invocation now, with the given timeout, outside any chain.
	 * @param method the client method
	 * @param args the arguments ({@code null} for none)
	 * @param timeoutNanos the time the call may take, end to end
	 * @return the invocation
	 */
	public static Invocation start(ClientMethod method, Object[] args, long timeoutNanos) {
		return new Invocation(InvocationIds.next(), method, (args != null) ? args : new Object[0],
				System.nanoTime() + timeoutNanos, List.of());
	}

	/**
	 * The same call, sent to another endpoint (a fallback) with the same id and deadline.
	 * @param chain the chain through that endpoint
	 * @return the invocation
	 */
	public Invocation withChain(List<String> chain) {
		return new Invocation(this.id, this.method, this.args, this.deadlineNanos, chain, this.trace, this.tracker,
				this.dueNanos, this.scope, this.retries);
	}

	/**
	 * The time left before the deadline, never negative.
	 * @return the remaining nanoseconds
	 */
	public long remainingNanos() {
		return Math.max(0, this.deadlineNanos - System.nanoTime());
	}

	/**
	 * The time left before the deadline, in whole milliseconds, as it travels on the wire.
	 * @return the remaining milliseconds, at least 0
	 */
	public long remainingMillis() {
		return TimeUnit.NANOSECONDS.toMillis(remainingNanos());
	}

	@Override
	public String toString() {
		return "Invocation[" + this.id + " " + this.method + "]";
	}

}
