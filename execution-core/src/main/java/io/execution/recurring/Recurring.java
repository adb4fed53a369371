package io.execution.recurring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls a client method again and again — by a {@link #cron()} expression or at a fixed rate
 * ({@link #every()}) — each tick once across every instance sharing the backend, as an execution
 * whose idempotency key is the call's name and the tick's due time. On a method without
 * parameters of an {@link io.execution.ExecutionClient @ExecutionClient} interface; the call runs on the
 * method's endpoint, as any call of it. Unlike {@code @Scheduled}, which runs on every instance,
 * no lock (ShedLock) is needed.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Recurring {

	/**
	 * The call's name, unique in the application: what Actuator, the console and
	 * {@link RecurringCalls} know it by.
	 * @return the name; empty for {@code <service>.<method>}
	 */
	String name() default "";

	/**
	 * A cron expression of Spring's six fields ({@code second minute hour day-of-month month
	 * day-of-week}) or a macro ({@code @hourly}); either this or {@link #every()}.
	 * @return the expression
	 */
	String cron() default "";

	/**
	 * The zone {@link #cron()} is read in; instances in different zones need it set.
	 * @return a zone id such as {@code Europe/Paris}; empty for the JVM's zone
	 */
	String zone() default "";

	/**
	 * A fixed rate, counted from the epoch so that every instance agrees: {@code 30s}, {@code 5m},
	 * {@code 1h} or ISO-8601; either this or {@link #cron()}.
	 * @return the rate, at least one second
	 */
	String every() default "";

	/**
	 * What to do with ticks that fell due while no instance ran.
	 * @return the policy
	 */
	RecurringCall.Missed missed() default RecurringCall.Missed.SKIP;

	/**
	 * For {@link RecurringCall.Missed#RUN_ALL}, the most missed ticks run (the latest ones).
	 * @return at least 1
	 */
	int maxMissed() default 10;

	/**
	 * What to do when a tick is due while the previous one still runs.
	 * @return the policy
	 */
	RecurringCall.Overlap overlap() default RecurringCall.Overlap.SKIP;

	/**
	 * Each tick's timeout, as {@link #every()}; empty for its endpoint's.
	 * @return the timeout
	 */
	String timeout() default "";

}
