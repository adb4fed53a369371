package io.execution.async;

/**
 * A batch's executions counted by status.
 *
 * @param total how many executions the batch has
 * @param pending waiting to run
 * @param running running now
 * @param succeeded finished with a result
 * @param failed finished with an error (failed or timed out)
 * @param cancelled cancelled
 * @param unknown whose record expired or cannot be read
 */
public record BatchProgress(int total, int pending, int running, int succeeded, int failed, int cancelled,
		int unknown) {

	/**
	 * Whether every execution finished (or is no longer known).
	 * @return {@code true} when nothing is pending or running
	 */
	public boolean done() {
		return this.pending == 0 && this.running == 0;
	}

	/**
	 * The share of executions finished.
	 * @return from 0 to 1
	 */
	public double fraction() {
		return (this.total == 0) ? 1.0 : (double) (this.total - this.pending - this.running) / this.total;
	}

}
