package io.execution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a queued call again, later, when the service threw: up to {@link #maxAttempts()} attempts
 * in all, the waits between them growing from {@link #initialInterval()} by
 * {@link #multiplier()} up to {@link #maxInterval()}, each varied by {@link #jitter()}. The next
 * attempt is a call scheduled on the backend (on Redis it survives the worker and the caller);
 * a plain call retries only while its caller's deadline leaves room, an execution until its
 * attempts are spent, each attempt with the execution's timeout. Only a service exception is
 * retried (not a timeout, a cancel or a refusal), and never one of {@link #neverFor()}.
 * <p>
 * A method that threw may have done part of its work, so the method must be
 * {@link Idempotent @Idempotent}, or say {@link #nonIdempotent()}. On an endpoint in queue mode
 * only; {@code execution.endpoints.<name>.retry-failed.*} sets the same for every
 * {@code @Idempotent} method of an endpoint, and this annotation wins over it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RetryFailed {

	/**
	 * The most attempts, the first included: 3 runs the method at most three times.
	 * @return from 2 to 100
	 */
	int maxAttempts() default 3;

	/**
	 * The wait before the second attempt: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or
	 * ISO-8601.
	 * @return the first wait
	 */
	String initialInterval() default "1s";

	/**
	 * What each wait is multiplied by for the next; 1 for equal waits.
	 * @return at least 1
	 */
	double multiplier() default 2.0;

	/**
	 * The longest wait between two attempts.
	 * @return the longest wait, as {@link #initialInterval()}
	 */
	String maxInterval() default "5m";

	/**
	 * How much each wait varies at random, as a fraction of it: 0.2 waits 80 % to 120 %.
	 * @return from 0 to 1
	 */
	double jitter() default 0.2;

	/**
	 * Exceptions never retried, their subclasses included.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] neverFor() default {};

	/**
	 * Retries a method that is not {@link Idempotent @Idempotent}: it may run again after it
	 * threw halfway through its work.
	 * @return {@code true} to retry it anyway
	 */
	boolean nonIdempotent() default false;

	/**
	 * Keeps a call that failed for good (its attempts spent, or an exception of
	 * {@link #neverFor()}) as a dead letter on its queue, its caller still told of the failure,
	 * so that an operator can requeue it once the cause is mended.
	 * @return {@code true} to keep it
	 */
	boolean deadLetter() default false;

}
