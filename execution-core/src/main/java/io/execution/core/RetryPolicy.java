package io.execution.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.execution.ExecutionDefinitionException;
import io.execution.RetryFailed;

/**
 * When a queued call whose service threw runs again: the one policy of retries of failed work,
 * set on an endpoint ({@code execution.endpoints.<name>.retry-failed}) or on a method
 * ({@link RetryFailed @RetryFailed}), travelling with the call so that the worker that saw the
 * failure schedules the next attempt on the backend.
 *
 * @param maxAttempts the most attempts, the first included (2 to {@value #MOST_ATTEMPTS})
 * @param initialIntervalMillis the wait before the second attempt
 * @param multiplier what each wait is multiplied by for the next (at least 1)
 * @param maxIntervalMillis the longest wait
 * @param jitter how much each wait varies at random, as a fraction of it (0 to 1)
 * @param neverFor names of exception types never retried, their subclasses included
 * @param nonIdempotent whether a method that is not {@code @Idempotent} is retried
 * @param deadLetter whether a call that failed for good (its attempts spent, or an exception never
 * retried) is kept as a dead letter on its queue, to be requeued once its cause is mended
 */
public record RetryPolicy(int maxAttempts, long initialIntervalMillis, double multiplier, long maxIntervalMillis,
		double jitter, List<String> neverFor, boolean nonIdempotent, boolean deadLetter) {

	/** The most attempts a policy may make. */
	public static final int MOST_ATTEMPTS = 100;

	/** The longest wait a policy may set between two attempts. */
	public static final long LONGEST_INTERVAL_MILLIS = Duration.ofDays(7).toMillis();

	/**
	 * Checks the parts.
	 * @param maxAttempts the most attempts
	 * @param initialIntervalMillis the first wait
	 * @param multiplier the growth of the waits
	 * @param maxIntervalMillis the longest wait
	 * @param jitter the random variation
	 * @param neverFor exceptions never retried
	 * @param nonIdempotent whether methods that are not idempotent are retried
	 * @param deadLetter whether a call that failed for good is kept as a dead letter
	 * @throws IllegalArgumentException naming the part that is out of range
	 */
	public RetryPolicy {
		neverFor = List.copyOf(neverFor);
		String wrong = problem(maxAttempts, initialIntervalMillis, multiplier, maxIntervalMillis, jitter);
		if (wrong != null) {
			throw new IllegalArgumentException("Retry policy: " + wrong);
		}
	}

	/**
	 * What is out of range in a policy's numbers, or {@code null} when they are sound.
	 * @param maxAttempts the most attempts
	 * @param initialIntervalMillis the first wait
	 * @param multiplier the growth of the waits
	 * @param maxIntervalMillis the longest wait
	 * @param jitter the random variation
	 * @return what to fix, or {@code null}
	 */
	public static String problem(int maxAttempts, long initialIntervalMillis, double multiplier, long maxIntervalMillis,
			double jitter) {
		if (maxAttempts < 2 || maxAttempts > MOST_ATTEMPTS) {
			return "max-attempts must be from 2 to " + MOST_ATTEMPTS + " (was " + maxAttempts + ")";
		}
		if (initialIntervalMillis < 0 || initialIntervalMillis > LONGEST_INTERVAL_MILLIS) {
			return "initial-interval must be from 0 to 7 days (was " + initialIntervalMillis + " ms)";
		}
		if (maxIntervalMillis < initialIntervalMillis || maxIntervalMillis > LONGEST_INTERVAL_MILLIS) {
			return "max-interval must be from initial-interval to 7 days (was " + maxIntervalMillis + " ms)";
		}
		if (!(multiplier >= 1 && multiplier <= 100)) {
			return "multiplier must be from 1 to 100 (was " + multiplier + ")";
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			return "jitter must be from 0 to 1 (was " + jitter + ")";
		}
		return null;
	}

	/**
	 * The policy a method declares with {@link RetryFailed}, checked once.
	 * @param service the service name, for messages
	 * @param method the client method
	 * @param idempotent whether the method is {@code @Idempotent}
	 * @return the policy, or {@code null} when the method declares none
	 * @throws ExecutionDefinitionException naming what to fix
	 */
	public static RetryPolicy declaredBy(String service, java.lang.reflect.Method method, boolean idempotent) {
		RetryFailed retry = method.getAnnotation(RetryFailed.class);
		if (retry == null) {
			return null;
		}
		String where = "@RetryFailed on " + service + "." + method.getName();
		if (!idempotent && !retry.nonIdempotent()) {
			throw new ExecutionDefinitionException(where + " would run a method that is not @Idempotent again after"
					+ " it threw, perhaps halfway through its work.", "Mark the method @Idempotent, or set"
							+ " @RetryFailed(nonIdempotent = true) when running it again is safe.");
		}
		long initial = millis(where, "initialInterval", retry.initialInterval());
		long max = millis(where, "maxInterval", retry.maxInterval());
		String wrong = problem(retry.maxAttempts(), initial, retry.multiplier(), max, retry.jitter());
		if (wrong != null) {
			throw new ExecutionDefinitionException(where + ": " + wrong.replace("max-attempts", "maxAttempts")
				.replace("initial-interval", "initialInterval")
				.replace("max-interval", "maxInterval") + ".", "Change it.");
		}
		List<String> never = new ArrayList<>();
		for (Class<? extends Throwable> type : retry.neverFor()) {
			never.add(type.getName());
		}
		return new RetryPolicy(retry.maxAttempts(), initial, retry.multiplier(), max, retry.jitter(), never,
				retry.nonIdempotent(), retry.deadLetter());
	}

	private static long millis(String where, String attribute, String text) {
		Duration duration;
		try {
			duration = ClientMethod.duration(text.trim());
		}
		catch (RuntimeException ex) {
			throw new ExecutionDefinitionException(where + ": " + attribute + " \"" + text + "\" is not a duration.",
					"Write 500ms, 30s, 5m, 1h, 1d or PT30S.");
		}
		return duration.toMillis();
	}

	/**
	 * The policy a call of the method to the endpoint follows: the method's own, else the
	 * endpoint's when the method may run again.
	 * @param method the client method
	 * @param endpoint the endpoint's settings
	 * @return the policy, or {@code null} for no retries
	 */
	public static RetryPolicy of(ClientMethod method, EndpointDefinition endpoint) {
		if (method.retry() != null) {
			return method.retry();
		}
		RetryPolicy policy = endpoint.retryFailed();
		return (policy != null && (method.idempotent() || policy.nonIdempotent())) ? policy : null;
	}

	/**
	 * The wait after a failed attempt, jitter included, never longer than the longest wait.
	 * @param failedAttempt the attempt that failed, counting from 1
	 * @return the wait in milliseconds
	 */
	public long delayMillis(int failedAttempt) {
		double base = Math.min(this.maxIntervalMillis,
				this.initialIntervalMillis * Math.pow(this.multiplier, Math.max(0, failedAttempt - 1)));
		double varied = base * (1 - this.jitter + 2 * this.jitter * ThreadLocalRandom.current().nextDouble());
		return Math.max(0, Math.min(this.maxIntervalMillis, Math.round(varied)));
	}

	/**
	 * The longest an execution following this policy may take, every attempt given the time of
	 * one and every wait its longest.
	 * @param attemptMillis the time one attempt may take
	 * @return the whole span in milliseconds
	 */
	public long spanMillis(long attemptMillis) {
		long span = attemptMillis;
		for (int attempt = 1; attempt < this.maxAttempts; attempt++) {
			double base = Math.min(this.maxIntervalMillis,
					this.initialIntervalMillis * Math.pow(this.multiplier, attempt - 1));
			span += Math.min(this.maxIntervalMillis, (long) Math.ceil(base * (1 + this.jitter))) + attemptMillis;
		}
		return span;
	}

	/**
	 * Whether a failure may be retried: not one of {@link #neverFor()} or a subclass of one.
	 * @param thrown what the service threw
	 * @return {@code true} when it may be retried
	 */
	public boolean retries(Throwable thrown) {
		if (this.neverFor.isEmpty()) {
			return true;
		}
		for (Class<?> type = thrown.getClass(); type != null; type = type.getSuperclass()) {
			if (this.neverFor.contains(type.getName())) {
				return false;
			}
			for (Class<?> implemented : type.getInterfaces()) {
				if (this.neverFor.contains(implemented.getName())) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * A call's place in its retries, as it travels in the request envelope.
	 *
	 * @param policy the policy
	 * @param attempt this attempt's number, counting from 1
	 * @param attemptMillis for an execution, the time each attempt may take; 0 for a plain
	 * call, whose attempts share its caller's deadline
	 */
	public record Retries(RetryPolicy policy, int attempt, long attemptMillis) {

		/**
		 * Checks the parts.
		 * @param policy the policy
		 * @param attempt the attempt
		 * @param attemptMillis the time of one attempt
		 */
		public Retries {
			if (attempt < 1 || attempt > policy.maxAttempts() || attemptMillis < 0) {
				throw new IllegalArgumentException("Attempt " + attempt + " of " + policy.maxAttempts()
						+ " with " + attemptMillis + " ms each is not a place in a retry policy");
			}
		}

		/**
		 * The next attempt.
		 * @return the retries one attempt on
		 */
		public Retries next() {
			return new Retries(this.policy, this.attempt + 1, this.attemptMillis);
		}

		/**
		 * Whether an attempt remains after this one.
		 * @return {@code true} while attempts remain
		 */
		public boolean remain() {
			return this.attempt < this.policy.maxAttempts();
		}

	}

}
