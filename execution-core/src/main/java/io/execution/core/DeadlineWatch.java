package io.execution.core;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * Acts on the calls running here that outlive their deadline, by looking at them every
 * {@value #INTERVAL_MILLIS} ms while any runs — as the worker pools' watchdog does — rather than
 * with a timer task a call. A task a call costs every call a turn of the timer's lock, and wakes
 * the timer's thread whenever a call's deadline comes before all the others' (deadlines travel in
 * whole milliseconds, so a call that came later often has the earlier one): on a busy server that
 * was a thread wake-up every third call. Here a call costs two writes to its thread's own slot
 * (the call it watches now: set, then cleared) — a call made within a call, or one that another is
 * still holding the slot of, takes an entry in a concurrent set instead, which cost a lock of its
 * bin and a shared count a call, 8 % of a memory-queue call's samples. The timer wakes 100 times a
 * second while calls run, never when none does. A call is acted on at most
 * {@value #INTERVAL_MILLIS} ms after its deadline.
 */
public final class DeadlineWatch {

	/** How often the running calls are looked at, while any runs. */
	public static final long INTERVAL_MILLIS = 10;

	private final ScheduledExecutorService timer;

	/** The slot of each thread that watched a call, made on its first. */
	private final ThreadLocal<Slot> slots = new ThreadLocal<>();

	/** Every thread's slot; a look drops those of threads that are gone. */
	private final ConcurrentLinkedQueue<Slot> threads = new ConcurrentLinkedQueue<>();

	/** The calls that found their thread's slot taken. */
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
		Slot slot = this.slots.get();
		if (slot == null) {
			slot = new Slot(Thread.currentThread());
			this.slots.set(slot);
			this.threads.add(slot);
		}
		Watched call;
		if (slot.call == null) {
			call = new Watched(deadlineNanos, atDeadline, slot);
			slot.call = call;
		}
		else {
			call = new Watched(deadlineNanos, atDeadline, null);
			this.running.add(call);
		}
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
		int watched = 0;
		for (Slot slot : this.threads) {
			Watched call = slot.call;
			if (call != null && call.state == Watched.WATCHED) {
				watched++;
			}
		}
		for (Watched call : this.running) {
			if (call.state == Watched.WATCHED) {
				watched++;
			}
		}
		return watched;
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
		for (Iterator<Slot> slots = this.threads.iterator(); slots.hasNext();) {
			Slot slot = slots.next();
			Watched call = slot.call;
			if (call == null) {
				if (slot.gone()) {
					slots.remove();
				}
			}
			else if (call.state == Watched.WATCHED && now - call.deadlineNanos > 0) {
				passed = add(passed, call);
			}
		}
		for (Watched call : this.running) {
			if (now - call.deadlineNanos > 0) {
				passed = add(passed, call);
			}
		}
		if (passed != null) {
			// In the order of their deadlines, as timer tasks would: an earlier call is never acted on after a later one.
			passed.sort((a, b) -> Long.compare(a.deadlineNanos - now, b.deadlineNanos - now));
			for (Watched call : passed) {
				if (call.slot == null) {
					this.running.remove(call);
				}
				if (Watched.STATE.compareAndSet(call, Watched.WATCHED, Watched.FIRED)) {
					call.atDeadline.run();
				}
			}
		}
		if (watched() == 0) {
			ScheduledFuture<?> current = this.scan.getAndSet(null);
			if (current != null) {
				current.cancel(false);
			}
			// A call that came in meanwhile may have seen the scan still on: look again.
			if (watched() > 0 && this.scan.get() == null) {
				startScanning();
			}
		}
	}

	private static java.util.List<Watched> add(java.util.List<Watched> passed, Watched call) {
		java.util.List<Watched> calls = (passed != null) ? passed : new java.util.ArrayList<>();
		calls.add(call);
		return calls;
	}

	/** A thread's slot: the call it watches now, set by the thread, cleared by whoever closes the call. */
	private static final class Slot {

		private static final AtomicReferenceFieldUpdater<Slot, Watched> CALL = AtomicReferenceFieldUpdater
			.newUpdater(Slot.class, Watched.class, "call");

		private final WeakReference<Thread> owner;

		private volatile Watched call;

		Slot(Thread owner) {
			this.owner = new WeakReference<>(owner);
		}

		/** Whether its thread has ended: a free slot of an ended thread is dropped. */
		boolean gone() {
			Thread thread = this.owner.get();
			return thread == null || !thread.isAlive();
		}

	}

	/** A watched call: close it when the call is over. */
	public final class Watched implements AutoCloseable {

		private static final int WATCHED = 0;

		private static final int FIRED = 1;

		private static final int CLOSED = 2;

		private static final AtomicIntegerFieldUpdater<Watched> STATE = AtomicIntegerFieldUpdater.newUpdater(Watched.class,
				"state");

		private final long deadlineNanos;

		private final Runnable atDeadline;

		/** Its thread's slot, or {@code null} when it is in the set. */
		private final Slot slot;

		/** Watched until its deadline was acted on or it was closed, whichever came first. */
		private volatile int state;

		private Watched(long deadlineNanos, Runnable atDeadline, Slot slot) {
			this.deadlineNanos = deadlineNanos;
			this.atDeadline = atDeadline;
			this.slot = slot;
		}

		/**
		 * Whether the call's deadline was acted on.
		 * @return {@code true} once its action ran
		 */
		public boolean fired() {
			return this.state == FIRED;
		}

		/** Stops watching the call: its action will not run from now on. */
		@Override
		public void close() {
			STATE.compareAndSet(this, WATCHED, CLOSED);
			if (this.slot != null) {
				Slot.CALL.compareAndSet(this.slot, this, null);
			}
			else {
				DeadlineWatch.this.running.remove(this);
			}
		}

	}

}
