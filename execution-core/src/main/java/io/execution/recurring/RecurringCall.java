package io.execution.recurring;

import java.time.Duration;
import java.util.function.Supplier;

import io.execution.client.CapturedCall;
import io.execution.core.ClientMethod;

/**
 * A call of a client method made again and again: each due time is a tick, and each tick is
 * one execution across every instance sharing the backend (its idempotency key is the call's
 * name and the due time).
 *
 * @param name the call's name, unique in the application
 * @param recurrence when it is due
 * @param method the client method called
 * @param args the arguments of every call
 * @param missed what to do with ticks missed while no instance ran
 * @param maxMissed for {@link Missed#RUN_ALL}, the most missed ticks run (the latest ones)
 * @param overlap what to do when a tick is due while the previous one still runs
 * @param timeout each tick's timeout; {@code null} for its endpoint's
 */
public record RecurringCall(String name, Recurrence recurrence, ClientMethod method, Object[] args, Missed missed,
		int maxMissed, Overlap overlap, Duration timeout) {

	/** The longest name a recurring call may have. */
	public static final int MAX_NAME_LENGTH = 100;

	/**
	 * Checks the parts.
	 * @param name the name
	 * @param recurrence when it is due
	 * @param method the method
	 * @param args the arguments
	 * @param missed the policy for missed ticks
	 * @param maxMissed the most missed ticks run
	 * @param overlap the policy for overlapping ticks
	 * @param timeout each tick's timeout, or {@code null}
	 */
	public RecurringCall {
		if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
				|| !name.chars().allMatch((c) -> Character.isLetterOrDigit(c) || "._-".indexOf(c) >= 0)) {
			throw new IllegalArgumentException("A recurring call's name is 1 to " + MAX_NAME_LENGTH
					+ " letters, digits or . _ - (was '" + name + "')");
		}
		if (recurrence == null || method == null) {
			throw new IllegalArgumentException("Recurring call '" + name + "' needs a recurrence and a method");
		}
		if (method.streaming()) {
			throw new IllegalArgumentException("Recurring call '" + name + "': streaming method " + method
					+ " cannot be a tick; call a method that returns the collected result");
		}
		if (maxMissed < 1) {
			throw new IllegalArgumentException("Recurring call '" + name + "': maxMissed must be 1 or more (was "
					+ maxMissed + ")");
		}
		args = (args != null) ? args.clone() : new Object[0];
		missed = (missed != null) ? missed : Missed.SKIP;
		overlap = (overlap != null) ? overlap : Overlap.SKIP;
	}

	/**
	 * A recurring call of the client method the supplier calls (on an {@code @ExecutionClient}
	 * proxy), with the arguments it passes: missed ticks skipped, a tick due while the previous
	 * one runs skipped.
	 * @param name its name
	 * @param recurrence when it is due
	 * @param call calls one client method once
	 * @return the recurring call
	 */
	public static RecurringCall of(String name, Recurrence recurrence, Supplier<?> call) {
		CapturedCall captured = CapturedCall.capture(call::get);
		return new RecurringCall(name, recurrence, captured.method(), captured.args(), Missed.SKIP, 1, Overlap.SKIP, null);
	}

	/**
	 * The recurring call a client method declares with {@link io.execution.recurring.Recurring}, checked once.
	 * @param method the client method
	 * @return the call, or {@code null} when the method declares none
	 * @throws io.execution.ExecutionDefinitionException naming what to fix
	 */
	public static RecurringCall declaredBy(ClientMethod method) {
		io.execution.recurring.Recurring recurring = method.method().getAnnotation(io.execution.recurring.Recurring.class);
		if (recurring == null) {
			return null;
		}
		String where = "@Recurring on " + method.service() + "." + method.name();
		if (method.arity() != 0) {
			throw new io.execution.ExecutionDefinitionException(where + ": the method takes " + method.arity()
					+ " arguments, and a tick has none to give.", "Declare it on a method without parameters, or"
							+ " register the call with RecurringCalls.register(RecurringCall.of(name, recurrence, () -> …)).");
		}
		if (recurring.cron().isEmpty() == recurring.every().isEmpty()) {
			throw new io.execution.ExecutionDefinitionException(where + " needs either cron or every.",
					"Set cron = \"0 */5 * * * *\" or every = \"5m\".");
		}
		Recurrence recurrence;
		Duration timeout;
		try {
			if (!recurring.cron().isEmpty()) {
				recurrence = Recurrence.cron(recurring.cron(), recurring.zone().isEmpty() ? java.time.ZoneId.systemDefault()
						: java.time.ZoneId.of(recurring.zone()));
			}
			else {
				recurrence = Recurrence.every(ClientMethod.duration(recurring.every().trim()));
			}
			timeout = recurring.timeout().isEmpty() ? null : ClientMethod.duration(recurring.timeout().trim());
			String name = recurring.name().isEmpty() ? method.service() + "." + method.name() : recurring.name();
			return new RecurringCall(name, recurrence, method, new Object[0], recurring.missed(), recurring.maxMissed(),
					recurring.overlap(), timeout);
		}
		catch (RuntimeException ex) {
			throw new io.execution.ExecutionDefinitionException(where + ": " + ex.getMessage() + ".",
					"Write cron as six fields or a macro, zone as a zone id (Europe/Paris), every and timeout as 30s,"
							+ " 5m, 1h or PT30S, name as letters, digits or . _ -.");
		}
	}

	/**
	 * The same call, following another policy for missed ticks.
	 * @param policy the policy
	 * @param most for {@link Missed#RUN_ALL}, the most run
	 * @return the call
	 */
	public RecurringCall missed(Missed policy, int most) {
		return new RecurringCall(this.name, this.recurrence, this.method, this.args, policy, most, this.overlap,
				this.timeout);
	}

	/**
	 * The same call, following another policy for overlapping ticks.
	 * @param policy the policy
	 * @return the call
	 */
	public RecurringCall overlap(Overlap policy) {
		return new RecurringCall(this.name, this.recurrence, this.method, this.args, this.missed, this.maxMissed, policy,
				this.timeout);
	}

	/**
	 * The same call, each tick with a timeout.
	 * @param timeout the timeout
	 * @return the call
	 */
	public RecurringCall timeout(Duration timeout) {
		return new RecurringCall(this.name, this.recurrence, this.method, this.args, this.missed, this.maxMissed,
				this.overlap, timeout);
	}

	/**
	 * What to do with ticks that fell due while no instance ran (an outage, a deploy).
	 */
	public enum Missed {

		/** None of them: the next tick is the next due time from now. */
		SKIP,

		/** The latest of them, once. */
		RUN_ONCE,

		/** Each of them, oldest first, up to {@code maxMissed} (the latest ones). */
		RUN_ALL

	}

	/**
	 * What to do when a tick is due while the previous tick still runs.
	 */
	public enum Overlap {

		/** Skip the tick. */
		SKIP,

		/** Start it once the previous one has finished. */
		QUEUE,

		/** Start it anyway: both run. */
		PARALLEL

	}

	@Override
	public String toString() {
		return "RecurringCall[" + this.name + ", " + this.recurrence + ", " + this.method + "]";
	}

}
