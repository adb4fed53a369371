package io.execution.registry;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The registry of the memory backend: the workers of this process, which is the only place its
 * queues can be served from.
 */
public final class LocalWorkerRegistry implements WorkerRegistry {

	private final Supplier<? extends HeartbeatSource> worker;

	/**
	 * Makes the registry.
	 * @param worker this process's worker, or a supplier of {@code null} when it runs none
	 */
	public LocalWorkerRegistry(Supplier<? extends HeartbeatSource> worker) {
		this.worker = worker;
	}

	@Override
	public List<WorkerInfo> workers() {
		HeartbeatSource local = this.worker.get();
		return (local != null) ? List.of(local.snapshot(Instant.now())) : List.of();
	}

}
