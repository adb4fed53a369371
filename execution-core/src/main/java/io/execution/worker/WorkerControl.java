package io.execution.worker;

import java.time.Duration;

import io.execution.core.ExecutionTimer;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.QueueBackend;
import io.execution.service.ServiceExecutor;

import org.springframework.context.SmartLifecycle;

/**
 * The control queue of this process's worker ({@link Workers#controlQueue(String)}), served by
 * one thread beside the worker pools on a backend shared across processes: another process's
 * {@link Workers#of(String)} reaches this worker, and this worker alone, through it. A drain
 * stops the pools, never this queue, so the resume arrives.
 */
public final class WorkerControl implements SmartLifecycle {

	private final WorkerPool pool;

	private volatile boolean running;

	/**
	 * Makes the control queue's one-thread pool.
	 * @param backend the shared queue backend
	 * @param executor runs the built-in service's calls
	 * @param workerId this process's worker id
	 * @param timer runs the calls' deadline watch
	 * @param threads makes the queue's thread, as the pools' threads are made (virtual or platform)
	 */
	public WorkerControl(QueueBackend backend, ServiceExecutor executor, String workerId, ExecutionTimer timer,
			java.util.function.Function<String, java.util.concurrent.ThreadFactory> threads) {
		String queue = Workers.controlQueue(workerId);
		this.pool = new WorkerPool(queue, 1, backend.consumer(queue, 1, ConsumerOptions.DEFAULT), executor,
				timer.scheduler(), null, threads.apply(queue));
	}

	/**
	 * The queue this worker's operations arrive on.
	 * @return the queue
	 */
	public String queue() {
		return this.pool.queue();
	}

	@Override
	public void start() {
		this.pool.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.pool.stop(Duration.ofSeconds(5));
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
