package io.execution.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Acts on the calls running here that outlive their deadline, by looking at them every
 * {@value #INTERVAL_MILLIS} ms while any runs — as the worker pools' watchdog does — rather than
 * with a timer task a call. A task a call costs every call a turn of the timer's lock, and wakes
 * the timer's thread whenever a call's deadline comes before all the others' (deadlines travel in
 * whole milliseconds, so a call that came later often has the earlier one): on a busy server that
 * was a thread wake-up every third call. Here a call costs an entry in a concurrent set, and the
 * timer wakes 100 times a second while calls run, never when none does. A call is acted on at
 * most {@value #INTERVAL_MILLIS} ms after its deadline.
 */
public final class DeadlineWatch {

	/** How often the running calls are looked at, while any runs. */
	public static final long INTERVAL_MILLIS = 10;

	private final ScheduledExecutorService timer;

	private final Set<Watched> running = ConcurrentHashMap.newKeySet();

	private final AtomicReference<ScheduledFuture<?>> scan = new AtomicReference<>();

	/**
	 * Makes a watch.
	 * @param timer where the look at the running calls is scheduled (the process's one timer)
	 */
	public DeadlineWatch(ScheduledExecutorService timer) {
		this.timer = timer;
	}

	/**
	 * Watches a call until the returned handle is closed.
	 * @param deadlineNanos the call's deadline ({@link System#nanoTime()} time)
	 * @param atDeadline runs once, on the timer's thread, if the call is still watched after its
	 * deadline: quick, never blocking (interrupting the call's thread, say)
	 * @return the handle to close when the call is over
	 */
	public Watched watch(long deadlineNanos, Runnable atDeadline) {
		Watched call = new Watched(deadlineNanos, atDeadline);
		this.running.add(call);
		if (this.scan.get() == null) {
			startScanning();
		}
		return call;
	}

	/**
	 * How many calls are watched.
	 * @return the count
	 */
	public int watched() {
		return this.running.size();
	}

	private void startScanning() {
		ScheduledFuture<?> started = this.timer.scheduleWithFixedDelay(this::scan, INTERVAL_MILLIS, INTERVAL_MILLIS,
				TimeUnit.MILLISECONDS);
		if (!this.scan.compareAndSet(null, started)) {
			// Another call started one first.
			started.cancel(false);
		}
	}

	private void scan() {
		long now = System.nanoTime();
		java.util.List<Watched> passed = null;
		for (Watched call : this.running) {
			if (now - call.deadlineNanos > 0) {
				if (passed == null) {
					passed = new java.util.ArrayList<>();
				}
				passed.add(call);
			}
		}
		if (passed != null) {
			// In the order of their deadlines, as timer tasks would: an earlier call is never acted on after a later one.
			passed.sort((a, b) -> Long.compare(a.deadlineNanos - now, b.deadlineNanos - now));
			for (Watched call : passed) {
				if (this.running.remove(call)) {
					call.fire();
				}
			}
		}
		if (this.running.isEmpty()) {
			ScheduledFuture<?> current = this.scan.getAndSet(null);
			if (current != null) {
				current.cancel(false);
			}
			// A call that came in meanwhile may have seen the scan still on: look again.
			if (!this.running.isEmpty() && this.scan.get() == null) {
				startScanning();
			}
		}
	}

	/** A watched call: close it when the call is over. */
	public final class Watched implements AutoCloseable {

		private final long deadlineNanos;

		private final Runnable atDeadline;

		private volatile boolean fired;

		private Watched(long deadlineNanos, Runnable atDeadline) {
			this.deadlineNanos = deadlineNanos;
			this.atDeadline = atDeadline;
		}

		/** Runs the action: called once, by the scan that took the call out of the running set. */
		private void fire() {
			this.fired = true;
			this.atDeadline.run();
		}

		/**
		 * Whether the call's deadline was acted on.
		 * @return {@code true} once its action ran
		 */
		public boolean fired() {
			return this.fired;
		}

		/** Stops watching the call: its action will not run from now on. */
		@Override
		public void close() {
			DeadlineWatch.this.running.remove(this);
		}

	}

}
