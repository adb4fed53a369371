package io.execution.autoconfigure;

import io.execution.core.Endpoint;
import io.execution.core.Endpoints;
import io.execution.queue.QueueBackend;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Prepares, as the application starts, what a first call would otherwise pay for: the queue
 * backend's connections and scripts, and a connection to each instance of every http endpoint.
 * Never fails the start: what cannot be reached yet is prepared by its first call.
 */
class ExecutionWarmUp implements SmartLifecycle {

	private final Endpoints endpoints;

	private final ObjectProvider<QueueBackend> queues;

	private volatile boolean running;

	ExecutionWarmUp(Endpoints endpoints, ObjectProvider<QueueBackend> queues) {
		this.endpoints = endpoints;
		this.queues = queues;
	}

	@Override
	public void start() {
		this.running = true;
		this.queues.ifAvailable(QueueBackend::warmUp);
		for (Endpoint endpoint : this.endpoints.all().values()) {
			endpoint.transport().warmUp();
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
