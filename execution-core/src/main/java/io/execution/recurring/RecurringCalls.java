package io.execution.recurring;

import java.util.List;
import java.util.Optional;

import io.execution.async.Execution;

/**
 * The application's recurring calls: those declared with {@link io.execution.recurring.Recurring}, in
 * {@code execution.recurring.calls.*}, or registered here. Each tick runs once across every
 * instance sharing the backend; pausing one pauses it everywhere.
 */
public interface RecurringCalls {

	/**
	 * Registers a recurring call: it ticks from its next due time (and runs the ticks it missed,
	 * by its policy, when the store knows of an earlier tick).
	 * @param call the call
	 * @return the call
	 * @throws IllegalArgumentException when a call of that name is registered already
	 */
	RecurringCall register(RecurringCall call);

	/**
	 * Stops a recurring call ticking in this instance.
	 * @param name its name
	 * @return {@code true} when it was registered
	 */
	boolean unregister(String name);

	/**
	 * Every registered call, with its next due time, its last ticks and whether it is paused.
	 * @return the states, by name
	 */
	List<RecurringState> list();

	/**
	 * One registered call's state.
	 * @param name its name
	 * @return the state, or empty when no call has that name
	 */
	Optional<RecurringState> find(String name);

	/**
	 * Pauses a call in every instance: its ticks are skipped until it is resumed.
	 * @param name its name
	 * @throws IllegalArgumentException when no call has that name
	 */
	void pause(String name);

	/**
	 * Resumes a paused call; the ticks missed while paused are not run.
	 * @param name its name
	 * @throws IllegalArgumentException when no call has that name
	 */
	void resume(String name);

	/**
	 * Runs a call now, beside its ticks (paused or not).
	 * @param name its name
	 * @return the execution started
	 * @throws IllegalArgumentException when no call has that name
	 */
	Execution<Object> trigger(String name);

}
