package io.execution.registry;

import java.util.List;

/**
 * The live workers of every pool: in process for the memory backend, across machines through
 * heartbeats for the redis backend.
 */
public interface WorkerRegistry {

	/**
	 * The workers known now, freshest first. Stale workers are listed, marked, until they are
	 * removed.
	 * @return the workers
	 */
	List<WorkerInfo> workers();

	/**
	 * The workers that serve a queue and are not stale.
	 * @param queue the queue
	 * @return the live workers of that pool
	 */
	default List<WorkerInfo> liveWorkers(String queue) {
		return workers().stream()
			.filter((worker) -> !worker.stale() && worker.pools().stream().anyMatch((pool) -> pool.queue().equals(queue)))
			.toList();
	}

	/**
	 * Asks a worker of another process to drain its pools (take no new request; running ones
	 * finish) or to resume: it does at its next heartbeat. A request to a worker that is gone
	 * lapses after three heartbeat intervals.
	 * @param workerId the worker
	 * @param action {@code drain} or {@code resume}
	 * @return whether the request was sent; {@code false} when this registry cannot reach other
	 * processes
	 * @deprecated since 0.1.0: {@link io.execution.worker.Workers#of(String)} reaches one worker
	 * at once, with every operation and its answer; a worker still does what it finds requested
	 */
	@Deprecated(since = "0.1.0")
	default boolean request(String workerId, String action) {
		return false;
	}

	/**
	 * Checks what a worker is asked through {@link #request}.
	 * @param action the action
	 * @return it, when it is {@code drain} or {@code resume}
	 * @throws IllegalArgumentException for any other
	 */
	static String checkedAction(String action) {
		if (!"drain".equals(action) && !"resume".equals(action)) {
			throw new IllegalArgumentException("A worker is asked to drain or to resume, not to '" + action + "'");
		}
		return action;
	}

	/**
	 * Whether {@link #request} reaches workers of other processes.
	 * @return {@code false} by default
	 */
	default boolean forwardsRequests() {
		return false;
	}

}
