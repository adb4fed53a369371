package io.execution.recurring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What every instance sharing a backend knows of each recurring call: the latest tick started
 * (so that an instance starting after an outage knows which ticks were missed), the recent
 * ticks, and whether it is paused. The executions themselves live in the execution store.
 */
public interface RecurringStore {

	/** How many recent ticks a store keeps per call. */
	int HISTORY = 20;

	/**
	 * The latest tick started.
	 * @param name the recurring call
	 * @return its due time, or empty when none has been
	 */
	Optional<Instant> lastDue(String name);

	/**
	 * Records that a tick started: the latest tick moves forward only.
	 * @param name the recurring call
	 * @param due the tick's due time
	 */
	void ticked(String name, Instant due);

	/**
	 * The recent ticks, newest first, at most {@value #HISTORY}.
	 * @param name the recurring call
	 * @return their due times
	 */
	List<Instant> recent(String name);

	/**
	 * Whether the call is paused, for every instance.
	 * @param name the recurring call
	 * @return {@code true} while paused
	 */
	boolean paused(String name);

	/**
	 * Pauses or resumes the call for every instance.
	 * @param name the recurring call
	 * @param paused {@code true} to pause
	 */
	void pause(String name, boolean paused);

}
