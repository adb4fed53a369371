package io.execution.recurring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.execution.MayHaveRunException;
import io.execution.async.DefaultExecutions;
import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.IfExists;
import io.execution.codec.ErrorCode;
import io.execution.core.ExecutionTimer;

/**
 * Ticks the recurring calls of this instance. At each due time every instance that has the
 * call starts its tick as an execution whose idempotency key is {@code recurring:<name>:<due
 * time in ms>}: the execution store lets one start win, so a tick runs once however many
 * instances tick. The store of recurring calls keeps the latest tick, so that the first instance
 * up after an outage runs the missed ticks by the call's policy (and every instance coming up at
 * once starts the same ticks, once).
 */
public final class RecurringScheduler implements RecurringCalls, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecurringScheduler.class);

	/** The prefix of every tick's idempotency key. */
	public static final String KEY_PREFIX = "recurring:";

	/** The most due times looked through for missed ticks (a year of ticks each minute). */
	private static final int MOST_LOOKED_AT = 600_000;

	/** How often a tick queued behind a running one looks again. */
	private static final Duration QUEUED_LOOK = Duration.ofMillis(200);

	/**
	 * How long after its deadline a local tick's execution that has not ended is taken for one
	 * whose instance stopped.
	 */
	private static final Duration ABANDONED_AFTER = Duration.ofSeconds(5);

	/** The ticks shown per call. */
	private static final int SHOWN = 10;

	private final DefaultExecutions executions;

	private final RecurringStore store;

	private final ExecutionTimer timer;

	private final ExecutorService work;

	private final Clock clock;

	private final Map<String, Entry> calls = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Makes the scheduler.
	 * @param executions starts the ticks
	 * @param store shares the latest tick and the pauses with the other instances
	 * @param timer fires the due times; the ticks start on a pool of its ({@code execution-recurring})
	 * @param clock the wall clock due times are read on
	 */
	public RecurringScheduler(DefaultExecutions executions, RecurringStore store, ExecutionTimer timer, Clock clock) {
		this.executions = executions;
		this.store = store;
		this.timer = timer;
		this.work = timer.pool("execution-recurring");
		this.clock = clock;
	}

	/**
	 * The idempotency key of a tick.
	 * @param name the recurring call
	 * @param due the tick's due time
	 * @return the key
	 */
	public static String key(String name, Instant due) {
		return KEY_PREFIX + name + ":" + due.toEpochMilli();
	}

	@Override
	public RecurringCall register(RecurringCall call) {
		Entry entry = new Entry(call);
		if (this.calls.putIfAbsent(call.name(), entry) != null) {
			throw new IllegalArgumentException("A recurring call named '" + call.name() + "' is registered already");
		}
		logger.info("Recurring call '{}': {} {} (missed ticks: {}, overlapping ticks: {})", call.name(), call.method(),
				call.recurrence(), call.missed(), call.overlap());
		this.work.execute(entry::start);
		return call;
	}

	@Override
	public boolean unregister(String name) {
		Entry entry = this.calls.remove(name);
		if (entry != null) {
			entry.cancel();
		}
		return entry != null;
	}

	@Override
	public List<RecurringState> list() {
		return this.calls.values()
			.stream()
			.map(Entry::state)
			.sorted(Comparator.comparing(RecurringState::name))
			.toList();
	}

	@Override
	public Optional<RecurringState> find(String name) {
		return Optional.ofNullable(this.calls.get(name)).map(Entry::state);
	}

	@Override
	public void pause(String name) {
		entry(name);
		this.store.pause(name, true);
		logger.info("Recurring call '{}' paused", name);
	}

	@Override
	public void resume(String name) {
		Entry entry = entry(name);
		this.store.pause(name, false);
		logger.info("Recurring call '{}' resumed; next due {}", name, entry.nextDue);
	}

	@Override
	public Execution<Object> trigger(String name) {
		RecurringCall call = entry(name).call;
		logger.info("Recurring call '{}' triggered now", name);
		return this.executions.start(call.method(), call.args(), call.timeout(), null, IfExists.RETURN_EXISTING, null);
	}

	private Entry entry(String name) {
		Entry entry = this.calls.get(name);
		if (entry == null) {
			throw new IllegalArgumentException("No recurring call is named '" + name + "'; there are "
					+ this.calls.keySet().stream().sorted().toList());
		}
		return entry;
	}

	@Override
	public void close() {
		this.closed = true;
		this.calls.values().forEach(Entry::cancel);
	}

	/** The record of a tick's execution, when it is still known. */
	private Optional<ExecutionRecord> execution(String name, Instant due) {
		try {
			return this.executions.store().holder(key(name, due)).flatMap(this.executions.store()::find);
		}
		catch (RuntimeException ex) {
			logger.debug("Recurring call '{}': tick {} could not be looked up: {}", name, due, ex.toString());
			return Optional.empty();
		}
	}

	/** One registered call: its next firing. */
	private final class Entry {

		private final RecurringCall call;

		private volatile ScheduledFuture<?> next;

		private volatile Instant nextDue;

		private volatile boolean cancelled;

		Entry(RecurringCall call) {
			this.call = call;
		}

		/** Runs the ticks missed while no instance ran, by the call's policy, then waits for the next. */
		void start() {
			Instant now = RecurringScheduler.this.clock.instant();
			try {
				for (Instant due : missed(now)) {
					// Missed ticks one after the other (unless they may run in parallel): none skips another.
					tick(due, "missed", (this.call.overlap() == RecurringCall.Overlap.PARALLEL)
							? RecurringCall.Overlap.PARALLEL : RecurringCall.Overlap.QUEUE);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Recurring call '{}': its missed ticks could not be looked at: {}", this.call.name(),
						ex.toString());
			}
			schedule(now);
		}

		private List<Instant> missed(Instant now) {
			if (this.call.missed() == RecurringCall.Missed.SKIP) {
				return List.of();
			}
			Optional<Instant> last = RecurringScheduler.this.store.lastDue(this.call.name());
			if (last.isEmpty() || RecurringScheduler.this.store.paused(this.call.name())) {
				return List.of();
			}
			int keep = (this.call.missed() == RecurringCall.Missed.RUN_ONCE) ? 1 : this.call.maxMissed();
			Deque<Instant> missed = new ArrayDeque<>(keep + 1);
			Instant due = this.call.recurrence().next(last.get());
			for (int looked = 0; due != null && !due.isAfter(now) && looked < MOST_LOOKED_AT; looked++) {
				missed.addLast(due);
				if (missed.size() > keep) {
					missed.removeFirst();
				}
				due = this.call.recurrence().next(due);
			}
			if (!missed.isEmpty()) {
				logger.info("Recurring call '{}': the latest tick was due {}; running {} missed ({})", this.call.name(),
						last.get(), missed.size(), this.call.missed());
			}
			return new ArrayList<>(missed);
		}

		private void schedule(Instant after) {
			if (this.cancelled || RecurringScheduler.this.closed) {
				return;
			}
			Instant due = this.call.recurrence().next(after);
			this.nextDue = due;
			if (due == null) {
				logger.info("Recurring call '{}': {} never comes again", this.call.name(), this.call.recurrence());
				return;
			}
			long delay = Math.max(0, Duration.between(RecurringScheduler.this.clock.instant(), due).toMillis());
			try {
				this.next = RecurringScheduler.this.timer.scheduler()
					.schedule(() -> RecurringScheduler.this.work.execute(() -> fire(due)), delay, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// The application is closing.
			}
		}

		private void fire(Instant due) {
			try {
				if (!this.cancelled && !RecurringScheduler.this.closed) {
					tick(due, "due", this.call.overlap());
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Recurring call '{}': tick {} could not start: {}", this.call.name(), due, ex.toString());
			}
			finally {
				// From the later of the tick and now: a tick fired late (a pause of the process) does not run every
				// due time it slept through; the other instances ran them.
				Instant now = RecurringScheduler.this.clock.instant();
				schedule(now.isAfter(due) ? now : due);
			}
		}

		private void tick(Instant due, String why, RecurringCall.Overlap overlap) {
			RecurringStore store = RecurringScheduler.this.store;
			String name = this.call.name();
			if (store.paused(name)) {
				logger.debug("Recurring call '{}' is paused: tick {} not run", name, due);
				return;
			}
			if (overlap != RecurringCall.Overlap.PARALLEL) {
				// The previous tick that started: a skipped tick has no execution.
				Optional<ExecutionRecord> started = store.recent(name)
					.stream()
					.filter((earlier) -> earlier.isBefore(due))
					.map((earlier) -> execution(name, earlier))
					.flatMap(Optional::stream)
					.findFirst();
				Optional<ExecutionRecord> running = started.filter((record) -> !record.status().isFinished())
					.filter((record) -> !endedIfAbandoned(record, due));
				if (running.isPresent() && overlap == RecurringCall.Overlap.SKIP) {
					logger.info("Recurring call '{}': tick {} skipped, execution {} of an earlier tick still runs", name,
							due, running.get().id());
					store.ticked(name, due);
					return;
				}
				if (running.isPresent() && !awaitEnd(running.get().id())) {
					return;
				}
			}
			Execution<Object> execution = RecurringScheduler.this.executions.start(this.call.method(), this.call.args(),
					this.call.timeout(), key(name, due), IfExists.RETURN_EXISTING, null);
			store.ticked(name, due);
			logger.debug("Recurring call '{}': tick {} ({}) is execution {}", name, due, why, execution.id());
		}

		/** Waits, for a queued tick, until the execution of the previous one has finished. */
		private boolean awaitEnd(String id) {
			while (!this.cancelled && !RecurringScheduler.this.closed) {
				Optional<ExecutionRecord> record = RecurringScheduler.this.executions.store().find(id);
				if (record.isEmpty() || record.get().status().isFinished() || endedIfAbandoned(record.get(), null)) {
					return true;
				}
				try {
					Thread.sleep(QUEUED_LOOK.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return false;
		}

		/**
		 * Ends the execution of an earlier tick that ran in an instance which stopped before it
		 * ended, as the instance would have at the tick's deadline: a local execution is ended by
		 * its own instance at the latest then, so one not ended {@link #ABANDONED_AFTER} later has
		 * no instance left to end it (a queued one is settled by its queue's leases). It is ended
		 * {@code FAILED} as {@code may-have-run}; the first final state written wins.
		 * @return whether the execution is over now
		 */
		private boolean endedIfAbandoned(ExecutionRecord record, Instant due) {
			if (!"local".equals(record.mode()) || record.status().isFinished()) {
				return false;
			}
			Instant since = (record.startedAt() != null) ? record.startedAt() : record.createdAt();
			Duration timeout = RecurringScheduler.this.executions.timeout(this.call.method(), this.call.timeout());
			Instant now = RecurringScheduler.this.clock.instant();
			if (since == null || !now.isAfter(since.plus(timeout).plus(ABANDONED_AFTER))) {
				return false;
			}
			String message = "The instance running this tick (" + ((record.worker() != null) ? record.worker() : "unknown")
					+ ") stopped before it ended: it was still " + record.status() + " " + ABANDONED_AFTER.toSeconds()
					+ " s after its deadline of " + timeout + "; it may have run";
			RecurringScheduler.this.executions.store()
				.finish(record.id(), ExecutionStatus.FAILED, null, new ExecutionRecord.Error(ErrorCode.MAY_HAVE_RUN.code(),
						MayHaveRunException.class.getName(), message), now);
			logger.warn("Recurring call '{}': execution {} of an earlier tick ended as may-have-run{}: {}",
					this.call.name(), record.id(), (due != null) ? " before tick " + due : "", message);
			return true;
		}

		void cancel() {
			this.cancelled = true;
			ScheduledFuture<?> scheduled = this.next;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

		RecurringState state() {
			RecurringStore store = RecurringScheduler.this.store;
			String name = this.call.name();
			List<RecurringState.Tick> ticks = store.recent(name)
				.stream()
				.limit(SHOWN)
				.map((due) -> new RecurringState.Tick(due, execution(name, due).orElse(null)))
				.toList();
			return new RecurringState(name, this.call.recurrence().toString(), this.call.method().service(),
					this.call.method().name(), this.call.missed(), this.call.overlap(), store.paused(name), this.nextDue,
					ticks);
		}

	}

}
