package io.execution;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the calls made inside a block wait on a queue: their priority and their fairness key.
 * The service interfaces stay as they are; the scope is set around the calls:
 * <pre>{@code
 * Thumbnail t = CallScope.priority(10).call(() -> thumbnails.render(uri, 200));
 * CallScope.fairnessKey(tenantId).run(() -> reports.build(tenantId, month));
 * Execution<Report> e = CallScope.fairnessKey(tenantId).call(() -> executions.start(() -> reports.build(tenantId, month)));
 * }</pre>
 * A call takes the scope of the thread that makes it (an asynchronous call's scope is taken when
 * it is made, not when it runs). Scopes nest: an inner scope keeps what it does not set from the
 * outer one. Only queue endpoints use them; other modes run the call at once, as always.
 */
public final class CallScope {

	/** The lowest priority. */
	public static final int MIN_PRIORITY = -100;

	/** The highest priority. */
	public static final int MAX_PRIORITY = 100;

	/** The longest fairness key. */
	public static final int MAX_KEY_LENGTH = 200;

	private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();

	private final Integer priority;

	private final String fairnessKey;

	private CallScope(Integer priority, String fairnessKey) {
		this.priority = priority;
		this.fairnessKey = fairnessKey;
	}

	/**
	 * A scope whose calls have a priority: on a queue, higher is taken first (the endpoint's own
	 * is {@code execution.endpoints.<name>.priority}, 0 unless set).
	 * @param priority from {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}
	 * @return the scope
	 */
	public static CallScope priority(int priority) {
		return new CallScope(checkPriority(priority), null);
	}

	/**
	 * A scope whose calls carry a fairness key (a tenant, a customer): within one priority,
	 * workers take from each key in turn, so one key's burst does not hold the others back.
	 * @param key the key: not blank, at most {@value #MAX_KEY_LENGTH} characters, no control characters
	 * @return the scope
	 */
	public static CallScope fairnessKey(String key) {
		return new CallScope(null, checkKey(key));
	}

	/**
	 * This scope with a priority.
	 * @param priority from {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}
	 * @return a new scope
	 */
	public CallScope withPriority(int priority) {
		return new CallScope(checkPriority(priority), this.fairnessKey);
	}

	/**
	 * This scope with a fairness key.
	 * @param key the key
	 * @return a new scope
	 */
	public CallScope withFairnessKey(String key) {
		return new CallScope(this.priority, checkKey(key));
	}

	/**
	 * The priority this scope sets.
	 * @return the priority, or {@code null} when it leaves the endpoint's
	 */
	public Integer getPriority() {
		return this.priority;
	}

	/**
	 * The fairness key this scope sets.
	 * @return the key, or {@code null} for none
	 */
	public String getFairnessKey() {
		return this.fairnessKey;
	}

	/**
	 * Runs calls in this scope.
	 * @param <T> the result type
	 * @param calls what makes the calls
	 * @return what it returns
	 */
	public <T> T call(Supplier<T> calls) {
		Objects.requireNonNull(calls, "calls");
		CallScope outer = CURRENT.get();
		CURRENT.set(merge(outer));
		try {
			return calls.get();
		}
		finally {
			if (outer != null) {
				CURRENT.set(outer);
			}
			else {
				CURRENT.remove();
			}
		}
	}

	/**
	 * Runs calls in this scope.
	 * @param calls what makes the calls
	 */
	public void run(Runnable calls) {
		Objects.requireNonNull(calls, "calls");
		call(() -> {
			calls.run();
			return null;
		});
	}

	/**
	 * The scope of the calls the current thread makes now.
	 * @return the scope, or {@code null} outside any
	 */
	public static CallScope current() {
		return CURRENT.get();
	}

	private CallScope merge(CallScope outer) {
		if (outer == null) {
			return this;
		}
		return new CallScope((this.priority != null) ? this.priority : outer.priority,
				(this.fairnessKey != null) ? this.fairnessKey : outer.fairnessKey);
	}

	private static int checkPriority(int priority) {
		if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
			throw new IllegalArgumentException("Priority " + priority + " is out of range: use " + MIN_PRIORITY + " to "
					+ MAX_PRIORITY + " (higher is taken first; 0 is the default)");
		}
		return priority;
	}

	private static String checkKey(String key) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("A fairness key must not be blank");
		}
		if (key.length() > MAX_KEY_LENGTH) {
			throw new IllegalArgumentException("Fairness key '" + key.substring(0, 20) + "…' is " + key.length()
					+ " characters long: at most " + MAX_KEY_LENGTH);
		}
		if (key.chars().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("Fairness key '" + key + "' holds control characters");
		}
		return key;
	}

	@Override
	public String toString() {
		return "CallScope[priority=" + this.priority + ", fairnessKey=" + this.fairnessKey + "]";
	}

}
