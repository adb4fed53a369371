package io.execution.async;

import io.execution.core.ExecutionTracker;

/**
 * Lets a service method tell the caller of an execution how far it got: the status of the
 * execution shows the last report, and an estimated completion time derived from it.
 * <pre>
 * for (int i = 0; i &lt; files.size(); i++) {
 *     convert(files.get(i));
 *     Progress.report((i + 1) / (double) files.size(), "converted " + files.get(i));
 * }
 * </pre>
 * Outside an execution (a plain call, a test) a report does nothing, so service methods can
 * report unconditionally. Each report is one write to the execution store.
 */
public final class Progress {

	private Progress() {
	}

	/**
	 * Reports progress of the execution the current thread runs.
	 * @param fraction how much is done, from 0 to 1 (clamped)
	 * @param message what it is doing, or {@code null}
	 */
	public static void report(double fraction, String message) {
		double clamped = Double.isNaN(fraction) ? fraction : Math.max(0, Math.min(1, fraction));
		ExecutionTracker.current().progress(clamped, message);
	}

	/**
	 * Reports what the execution the current thread runs is doing, without a fraction.
	 * @param message what it is doing
	 */
	public static void report(String message) {
		ExecutionTracker.current().progress(Double.NaN, message);
	}

	/**
	 * Whether the current thread runs an execution whose progress is recorded.
	 * @return {@code false} in a plain call
	 */
	public static boolean isTracked() {
		return ExecutionTracker.current() != ExecutionTracker.NONE;
	}

}
