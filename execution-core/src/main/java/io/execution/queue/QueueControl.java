package io.execution.queue;

/**
 * Pauses and resumes queues for every worker that shares the backend (BullMQ's
 * {@code queue.pause()}): while paused, no worker of any process takes the queue's calls, which
 * wait on it (their deadlines still run); a resume lets them be taken again. A call taken before
 * the pause runs to its end. A pause is kept by
 * the backend — on Redis it outlives restarts — until resumed.
 */
public final class QueueControl {

	private final QueueBackend backend;

	/**
	 * Makes the control of a backend's queues.
	 * @param backend the queue backend
	 */
	public QueueControl(QueueBackend backend) {
		this.backend = backend;
	}

	/**
	 * Pauses a queue, and returns once every live worker has seen it (under half a second): from
	 * then on no worker takes its calls.
	 * @param queue the queue
	 */
	public void pause(String queue) {
		this.backend.pause(queue, true);
		try {
			Thread.sleep(PausableConsumer.SETTLE_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Resumes a paused queue.
	 * @param queue the queue
	 */
	public void resume(String queue) {
		this.backend.pause(queue, false);
	}

	/**
	 * Whether a queue is paused.
	 * @param queue the queue
	 * @return {@code true} while paused
	 */
	public boolean isPaused(String queue) {
		return this.backend.paused(queue);
	}

}
