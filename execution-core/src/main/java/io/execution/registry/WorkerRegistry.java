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

}
