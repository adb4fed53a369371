package io.execution.queue;

/**
 * The caller's cancellation of a request a worker runs, for {@link QueueDelivery#onCancel}: the
 * worker's listener runs once it is both registered and fired, in whichever order the two happen.
 */
public final class CancelSignal {

	private volatile Runnable listener;

	private volatile boolean fired;

	/**
	 * Registers what to do on cancellation; runs it at once when already cancelled.
	 * @param listener the listener
	 */
	public void listen(Runnable listener) {
		this.listener = listener;
		if (this.fired) {
			listener.run();
		}
	}

	/**
	 * The caller cancelled: runs the listener, if one is registered yet.
	 */
	public void fire() {
		this.fired = true;
		Runnable current = this.listener;
		if (current != null) {
			current.run();
		}
	}

}
