package io.execution.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.execution.async.ExecutionRecorder;
import io.execution.codec.ErrorCode;
import io.execution.codec.MalformedEnvelopeException;
import io.execution.codec.RequestEnvelope;
import io.execution.core.CallContext;
import io.execution.core.DeadlineWatch;
import io.execution.core.ExecutionTracker;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceExecutor.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one queue: {@code concurrency} threads that take requests, run them on this
 * application's services and reply. A request whose deadline passed is answered without running;
 * one that outlives its deadline, or whose caller cancels it, has its thread interrupted. On
 * {@link #stop(Duration)} the pool takes no more work, lets running calls finish within the grace
 * period and fails the rest with a clear error.
 */
public final class WorkerPool {

	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	private static final Duration POLL = Duration.ofMillis(100);

	private final String queue;

	private final int concurrency;

	private final QueueConsumer consumer;

	private final ServiceExecutor executor;

	private final ThreadFactory threadFactory;

	private final ExecutionRecorder recorder;

	private final AtomicReferenceArray<Execution> running;

	private final List<Thread> threads = new ArrayList<>();



	/**
	 * The calls this pool ran, by the one outcome model, with their latency: kept by the pools for
	 * their queue, so that a drain and resume (new threads) counts on.
	 */
	private final io.execution.core.CallStatistics.Window statistics;

	private volatile boolean accepting;

	/** Set by a drain the moment it is asked for: no new take, before the grace wait starts. */
	private volatile boolean closing;

	/** The pool's threads waiting in a take now. */
	private final java.util.concurrent.atomic.AtomicInteger taking = new java.util.concurrent.atomic.AtomicInteger();

	private volatile Instant startedAt;

	/** Interrupts the calls that outlive their deadline, looking every 10 ms while any runs. */
	private final DeadlineWatch deadlines;

	/**
	 * Makes a pool; {@link #start()} starts its threads.
	 * @param queue the queue it serves
	 * @param concurrency how many calls it runs at once
	 * @param consumer the worker side of the queue
	 * @param executor runs requests on this application's services
	 * @param watchdog checks running calls' deadlines
	 */
	public WorkerPool(String queue, int concurrency, QueueConsumer consumer, ServiceExecutor executor,
			ScheduledExecutorService watchdog) {
		this(queue, concurrency, consumer, executor, watchdog, null);
	}

	/**
	 * Makes a pool that records the executions it runs: their start, progress and outcome.
	 * @param queue the queue it serves
	 * @param concurrency how many calls it runs at once
	 * @param consumer the worker side of the queue
	 * @param executor runs requests on this application's services
	 * @param watchdog checks running calls' deadlines
	 * @param recorder records executions, or {@code null}
	 */
	public WorkerPool(String queue, int concurrency, QueueConsumer consumer, ServiceExecutor executor,
			ScheduledExecutorService watchdog, ExecutionRecorder recorder) {
		this(queue, concurrency, consumer, executor, watchdog, recorder, platformThreads(queue));
	}

	/**
	 * Makes a pool whose threads come from a factory (virtual threads, when the application
	 * runs on them).
	 * @param queue the queue it serves
	 * @param concurrency how many calls it runs at once
	 * @param consumer the worker side of the queue
	 * @param executor runs requests on this application's services
	 * @param watchdog checks running calls' deadlines
	 * @param recorder records executions, or {@code null}
	 * @param threads makes the pool's threads
	 */
	public WorkerPool(String queue, int concurrency, QueueConsumer consumer, ServiceExecutor executor,
			ScheduledExecutorService watchdog, ExecutionRecorder recorder, ThreadFactory threads) {
		this(queue, concurrency, consumer, executor, watchdog, recorder, threads,
				new io.execution.core.CallStatistics.Window());
	}

	/** A pool that counts on where the queue's previous pool stopped (after a drain). */
	WorkerPool(String queue, int concurrency, QueueConsumer consumer, ServiceExecutor executor,
			ScheduledExecutorService watchdog, ExecutionRecorder recorder, ThreadFactory threads,
			io.execution.core.CallStatistics.Window statistics) {
		this.statistics = statistics;
		if (concurrency < 1) {
			throw new IllegalArgumentException("execution.worker.concurrency must be at least 1, not " + concurrency);
		}
		this.queue = queue;
		this.concurrency = concurrency;
		this.consumer = consumer;
		this.executor = executor;
		this.deadlines = new DeadlineWatch(watchdog);
		this.recorder = recorder;
		this.threadFactory = threads;
		this.running = new AtomicReferenceArray<>(concurrency);
	}

	/**
	 * Platform threads named {@code execution-worker-<queue>-<n>}, not daemon: an application that
	 * is only a worker stays up while its pools run.
	 * @param queue the queue
	 * @return the factory
	 */
	public static ThreadFactory platformThreads(String queue) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> new Thread(task, "execution-worker-" + queue + "-" + count.incrementAndGet());
	}

	/**
	 * Starts the worker threads.
	 */
	public synchronized void start() {
		if (this.accepting) {
			return;
		}
		this.accepting = true;
		this.closing = false;
		this.startedAt = Instant.now();
		this.threads.clear();
		for (int i = 0; i < this.concurrency; i++) {
			int slot = i;
			Thread thread = this.threadFactory.newThread(() -> work(slot));
			this.threads.add(thread);
			thread.start();
		}
		logger.info("Worker pool '{}' started: {} threads", this.queue, this.concurrency);
	}

	/**
	 * Stops taking work as {@link #stop(Duration)} does, for a drain: the application stays up,
	 * and a call cut off is said to have outlived the drain's grace period.
	 * @param grace how long running calls may take to finish
	 */
	public void drain(Duration grace) {
		this.drained = true;
		stop(grace);
	}

	/** Whether the pool was stopped by a drain (the application stays up), not its shutdown. */
	private volatile boolean drained;

	/** How the pool stopped, as a dead letter's cause and the caller's message say it. */
	private String stopped() {
		return this.drained ? "was drained, and the call outlived the grace period" : "shut down before it finished";
	}

	/**
	 * Stops taking work, waits up to {@code grace} for running calls, then interrupts what is
	 * left and answers those callers with {@code cancelled}.
	 * @param grace how long running calls may take to finish
	 */
	public synchronized void stop(Duration grace) {
		if (!this.accepting) {
			return;
		}
		this.accepting = false;
		this.consumer.close();
		long end = System.nanoTime() + grace.toNanos();
		joinAll(end);
		if (anyAlive()) {
			int cancelled = 0;
			for (int i = 0; i < this.concurrency; i++) {
				Execution execution = this.running.get(i);
				if (execution != null) {
					execution.cancel(Reason.SHUTDOWN);
					cancelled++;
				}
			}
			logger.warn("Worker pool '{}' interrupted {} calls still running after the grace period of {}"
					+ " (execution.worker.shutdown-grace-period)", this.queue, cancelled, grace);
			joinAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
			// Calls that heed no interrupt: settled here, while the backend is still open, so that
			// each is recorded and kept as a dead letter; their threads' late answers are dropped.
			for (int i = 0; i < this.concurrency; i++) {
				Execution execution = this.running.get(i);
				if (execution != null && execution.settle()) {
					logger.warn("Worker pool '{}': call [{}] ignored its interrupt; kept as a dead letter", this.queue,
							execution.delivery.invocationId());
					settle(execution.delivery, execution.recorded, execution.taken, execution.outcome(),
							execution.abandoned());
				}
			}
		}
		logger.info("Worker pool '{}' stopped", this.queue);
	}

	/**
	 * The queue this pool serves.
	 * @return the queue name
	 */
	public String queue() {
		return this.queue;
	}

	/**
	 * How many calls the pool runs at once.
	 * @return the number of worker threads
	 */
	public int concurrency() {
		return this.concurrency;
	}

	/**
	 * Whether the pool takes work.
	 * @return {@code false} before start and from the start of a stop
	 */
	public boolean isAccepting() {
		return this.accepting && !this.closing;
	}

	/**
	 * Takes no new work from now on, and says so: a drain's first step, done at once where the
	 * answer is made, so that the answer and the pool agree; {@link #drain} then waits.
	 */
	public void stopTaking() {
		this.closing = true;
		// A take under way may still receive a call: wait for the takes (one poll at most), so
		// that nothing queued after this returns is started by this pool.
		long end = System.nanoTime() + 3 * POLL.toNanos();
		while (this.taking.get() > 0 && System.nanoTime() < end) {
			java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
		}
	}

	/**
	 * When the pool was last started.
	 * @return the start time, or {@code null}
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * The calls running now.
	 * @return the number in flight
	 */
	public int inFlight() {
		int count = 0;
		for (int i = 0; i < this.concurrency; i++) {
			if (this.running.get(i) != null) {
				count++;
			}
		}
		return count;
	}

	/**
	 * The calls answered: with a result or with the service's own exception.
	 * @return the count
	 */
	public long completed() {
		return this.statistics.count(io.execution.core.CallOutcome.SUCCEEDED)
				+ this.statistics.count(io.execution.core.CallOutcome.SERVICE_EXCEPTION);
	}

	/**
	 * The calls that failed by the one outcome model: not answered (timed out, refused, may have
	 * run); a cancelled call is neither.
	 * @return the count
	 */
	public long failed() {
		return this.statistics.failures();
	}

	/**
	 * The calls this pool took, by the outcome model every count uses (a service exception is an
	 * answer; a call that timed out, was cancelled or could not be read is a failure), with the
	 * p50 and p99 of their time from take to answer over the most recent calls.
	 * @return the statistics as of now
	 */
	public io.execution.core.CallStatistics.Snapshot statistics() {
		return this.statistics.snapshot();
	}

	private void work(int slot) {
		while (this.accepting && !this.closing) {
			QueueDelivery delivery;
			this.taking.incrementAndGet();
			try {
				delivery = this.consumer.take(POLL);
			}
			catch (InterruptedException ex) {
				continue;
			}
			catch (RuntimeException ex) {
				logger.warn("Worker pool '{}' could not take work; trying again", this.queue, ex);
				pause();
				continue;
			}
			finally {
				this.taking.decrementAndGet();
			}
			if (delivery != null) {
				run(slot, delivery);
			}
		}
	}

	private void run(int slot, QueueDelivery delivery) {
		long taken = System.nanoTime();
		String id = delivery.invocationId();
		long deadline = delivery.deadlineNanos();
		Outcome outcome;
		String abandoned = null;
		RequestEnvelope request = null;
		String malformed = null;
		try {
			request = this.executor.decode(delivery.request());
		}
		catch (MalformedEnvelopeException ex) {
			malformed = ex.getMessage();
		}
		boolean recorded = request != null && request.execution() && this.recorder != null;
		boolean retries = request != null && request.retries() != null;
		if (retries) {
			deadline = Retrying.attemptDeadline(request, taken, deadline);
		}
		if (request == null) {
			outcome = this.executor.error(id, ErrorCode.MALFORMED_REQUEST, null, malformed);
		}
		else if (deadline - System.nanoTime() <= 0) {
			outcome = this.executor.error(id, ErrorCode.DEADLINE_EXCEEDED, null, "Call [" + id
					+ "] was not started: its deadline passed while it waited on queue '" + this.queue + "'");
		}
		else if (recorded && delivery.cancelledBeforeStart()) {
			outcome = this.executor.error(id, ErrorCode.CANCELLED, null,
					"Execution [" + id + "] was cancelled while it waited on queue '" + this.queue + "'; it never ran");
		}
		else {
			Execution execution = new Execution(delivery, request, deadline, recorded, taken);
			this.running.set(slot, execution);
			DeadlineWatch.Watched watched = this.deadlines.watch(deadline, () -> execution.cancel(Reason.TIMEOUT));
			delivery.onCancel(() -> execution.cancel(Reason.CALLER));
			CallContext context = CallContext.enter(id, this.queue, "worker");
			ExecutionTracker outer = null;
			if (recorded) {
				ExecutionTracker tracker = this.recorder.tracker(id);
				tracker.running(null);
				outer = ExecutionTracker.enter(tracker);
			}
			try {
				execution.task.run();
			}
			finally {
				watched.close();
				if (recorded) {
					ExecutionTracker.restore(outer);
				}
				context.exit();
				this.running.set(slot, null);
				// A cancel may have interrupted this thread after the call returned; it must not reach the next one.
				Thread.interrupted();
			}
			if (!execution.settle()) {
				// The pool's stop gave up waiting and settled the call already (recorded, dead-lettered).
				return;
			}
			outcome = execution.outcome();
			abandoned = execution.abandoned();
		}
		if (retries && abandoned == null && outcome.error() != null) {
			// The rare path, out of the plain call's way: run again later, or keep as a dead letter.
			if (Retrying.retried(this.executor.codec(), delivery, request, outcome, recorded ? this.recorder : null,
					taken)) {
				this.statistics.record(System.nanoTime() - taken, outcome.outcome());
				return;
			}
			abandoned = Retrying.deadLetterCause(request, outcome);
		}
		settle(delivery, recorded, taken, outcome, abandoned);
	}

	/** Records a call's outcome, counts it and answers it (or keeps it as a dead letter). */
	private void settle(QueueDelivery delivery, boolean recorded, long taken, Outcome outcome, String abandoned) {
		String id = delivery.invocationId();
		if (recorded) {
			try {
				this.recorder.finish(id, outcome.body());
			}
			catch (RuntimeException ex) {
				logger.warn("Worker pool '{}' could not record the outcome of execution [{}]", this.queue, id, ex);
			}
		}
		this.statistics.record(System.nanoTime() - taken, outcome.outcome());
		try {
			if (abandoned != null) {
				delivery.abandon(outcome.envelope(), abandoned);
			}
			else {
				delivery.reply(outcome.envelope());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Worker pool '{}' could not reply to [{}]", this.queue, id, ex);
		}
	}

	private void joinAll(long endNanos) {
		for (Thread thread : this.threads) {
			long remaining = endNanos - System.nanoTime();
			if (remaining <= 0) {
				return;
			}
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private boolean anyAlive() {
		return this.threads.stream().anyMatch(Thread::isAlive);
	}

	private static void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "WorkerPool[" + this.queue + ", concurrency=" + this.concurrency + "]";
	}

	/** Why a running call was interrupted. */
	private enum Reason {

		CALLER, TIMEOUT, SHUTDOWN

	}

	/** One call running on a worker thread. */
	private final class Execution {

		private final QueueDelivery delivery;

		private final FutureTask<Outcome> task;

		private volatile Reason reason;

		private final long deadlineNanos;

		private final boolean recorded;

		private final long taken;

		/** Whether the call's outcome was recorded and answered, by its thread or by the pool's stop. */
		private final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();

		Execution(QueueDelivery delivery, RequestEnvelope request, long deadlineNanos, boolean recorded, long taken) {
			this.delivery = delivery;
			this.deadlineNanos = deadlineNanos;
			this.recorded = recorded;
			this.taken = taken;
			this.task = new FutureTask<>(() -> request.stream()
					? WorkerPool.this.executor.stream(request, deadlineNanos, delivery::sendChunk, delivery::awaitDemand)
					: WorkerPool.this.executor.execute(request, deadlineNanos));
		}

		void cancel(Reason why) {
			if (this.reason == null) {
				// A caller's cancel that comes as the deadline passes is its timeout, as the caller counts it.
				this.reason = (why == Reason.CALLER && this.deadlineNanos - System.nanoTime() <= 0) ? Reason.TIMEOUT : why;
			}
			this.task.cancel(true);
		}

		/** Claims the settling of the call: {@code true} for the first to ask, its thread or the pool's stop. */
		boolean settle() {
			return this.settled.compareAndSet(false, true);
		}

		/** Why the pool gave up on the call without its answer (its shutdown), or {@code null}. */
		String abandoned() {
			return (this.task.isCancelled() && this.reason == Reason.SHUTDOWN) ? "interrupted: worker pool '"
					+ WorkerPool.this.queue + "' " + stopped() + " (execution.worker.shutdown-grace-period)" : null;
		}

		Outcome outcome() {
			String id = this.delivery.invocationId();
			if (this.task.isCancelled()) {
				Reason why = (this.reason != null) ? this.reason : Reason.CALLER;
				return switch (why) {
					case CALLER -> WorkerPool.this.executor.error(id, ErrorCode.CANCELLED, null,
							"Call [" + id + "] was cancelled by its caller");
					case TIMEOUT -> WorkerPool.this.executor.error(id, ErrorCode.DEADLINE_EXCEEDED, null,
							"Call [" + id + "] did not finish within its deadline and was interrupted");
					case SHUTDOWN -> WorkerPool.this.executor.error(id, ErrorCode.CANCELLED, null, "Call [" + id
							+ "] was interrupted: worker pool '" + WorkerPool.this.queue + "' " + stopped()
							+ " (execution.worker.shutdown-grace-period)");
				};
			}
			try {
				return this.task.get();
			}
			catch (Exception ex) {
				logger.warn("Call [{}] on queue '{}' failed inside the worker", id, WorkerPool.this.queue, ex);
				return WorkerPool.this.executor.error(id, ErrorCode.INTERNAL, null,
						"Call [" + id + "] failed inside the worker: " + ex.getClass().getSimpleName());
			}
		}

	}

}
