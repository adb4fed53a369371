package io.execution.core;

/**
 * Hears how a tracked execution goes where it runs: when it starts, what progress its method
 * reports. Transports tell it what they learn; plain calls have none.
 */
public interface ExecutionTracker {

	/** Hears nothing. */
	ExecutionTracker NONE = new ExecutionTracker() {
	};

	/**
	 * The execution started running.
	 * @param worker who runs it; {@code null} for this process
	 */
	default void running(String worker) {
	}

	/**
	 * The method reported progress.
	 * @param fraction how much is done, from 0 to 1; {@code NaN} when unknown
	 * @param message what it is doing, or {@code null}
	 */
	default void progress(double fraction, String message) {
	}

	/**
	 * The tracker of the execution the current thread runs, if any: what
	 * {@code io.execution.async.Progress} reports to.
	 * @return the tracker, {@link #NONE} outside an execution
	 */
	static ExecutionTracker current() {
		ExecutionTracker tracker = Tracking.CURRENT.get();
		return (tracker != null) ? tracker : NONE;
	}

	/**
	 * Makes a tracker the current thread's while it runs an execution.
	 * @param tracker the tracker
	 * @return the tracker that was current before, to give to {@link #restore}
	 */
	static ExecutionTracker enter(ExecutionTracker tracker) {
		ExecutionTracker previous = Tracking.CURRENT.get();
		Tracking.CURRENT.set(tracker);
		return previous;
	}

	/**
	 * Puts back the tracker that was current before {@link #enter}.
	 * @param previous what {@link #enter} returned
	 */
	static void restore(ExecutionTracker previous) {
		if (previous != null) {
			Tracking.CURRENT.set(previous);
		}
		else {
			Tracking.CURRENT.remove();
		}
	}

	/** Holds the current thread's tracker. */
	final class Tracking {

		private static final ThreadLocal<ExecutionTracker> CURRENT = new ThreadLocal<>();

		private Tracking() {
		}

	}

}
