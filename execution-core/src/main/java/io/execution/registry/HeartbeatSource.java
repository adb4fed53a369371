package io.execution.registry;

import java.time.Instant;

/**
 * This process as a worker, as a registry announces it: its id and what it sends with each
 * heartbeat. The worker module implements it; registries only read it.
 */
public interface HeartbeatSource {

	/**
	 * The worker's id, unique per process.
	 * @return the id
	 */
	String id();

	/**
	 * The worker as of now.
	 * @param heartbeat the heartbeat time to record
	 * @return its description
	 */
	WorkerInfo snapshot(Instant heartbeat);

	/**
	 * Does what an operator asked of this worker through the registry.
	 * @param action {@code drain} or {@code resume}; anything else is ignored
	 */
	default void apply(String action) {
	}

}
