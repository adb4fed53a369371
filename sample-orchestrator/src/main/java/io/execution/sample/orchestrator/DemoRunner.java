package io.execution.sample.orchestrator;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.execution.ExecutionException;
import io.execution.core.CallOutcome;
import io.execution.RemoteExecutionException;
import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.core.Endpoint;
import io.execution.core.Endpoints;
import io.execution.sample.worker.api.Inventory;
import io.execution.sample.worker.api.Payments;
import io.execution.sample.worker.api.Payments.Charge;
import io.execution.sample.worker.api.Primes;
import io.execution.sample.worker.api.Primes.PrimeCount;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Sends {@code demo.calls} calls through each endpoint, {@code demo.concurrency} at a time, and
 * prints a table: calls, failures, p50/p99 latency and throughput per endpoint.
 */
@Component
class DemoRunner implements ApplicationRunner, ApplicationListener<ContextClosedEvent> {

	private final DemoProperties properties;

	private final Endpoints endpoints;

	private final Map<String, IntFunction<Object>> workloads;

	private final PrintStream out = System.out;

	private final Executions executions;

	private final Primes primes;

	/** Set when the application closes: the repeated batches stop at once, whatever their calls wait for. */
	private volatile boolean closing;

	private volatile Thread repeating;

	private final TaskExecutor background;

	DemoRunner(DemoProperties properties, Endpoints endpoints, Executions executions, Primes primes,
			Inventory inventory, Payments payments, @Qualifier("applicationTaskExecutor") TaskExecutor background) {
		this.background = background;
		this.properties = properties;
		this.endpoints = endpoints;
		this.executions = executions;
		this.primes = primes;
		this.workloads = Map.of("primes", (i) -> primes.count(20_000 + (i % 1000)), "inventory",
				(i) -> inventory.lookup(List.of("sku-" + i, "sku-" + (i + 1), "sku-" + (i + 2))), "payments",
				(i) -> payments.charge(new Charge("order-" + i,
						(i % 20 == 0) ? Payments.DECLINED_CARD : "4242424242424242", 100 + i)));
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		boolean terminal = System.console() != null;
		List<BatchResult> results = new java.util.ArrayList<>();
		for (String name : this.properties.getEndpoints()) {
			IntFunction<Object> workload = this.workloads.get(name);
			if (workload == null) {
				throw new IllegalArgumentException("demo.endpoints lists '" + name + "'; known: " + this.workloads.keySet());
			}
			results.add(runBatch(name, workload, terminal, true));
		}
		print(results);
		if (this.properties.getJobUpTo() > 0) {
			followJob(this.properties.getJobUpTo());
		}
		if (this.properties.isRepeat()) {
			// For the console: the same batches again, quietly (the console shows them), while it serves,
			// on Boot's task executor; the application's close ends them at once (onApplicationEvent).
			this.background.execute(() -> {
				this.repeating = Thread.currentThread();
				repeat();
			});
		}
	}

	/** Sends the batches again and again, half a second apart, until the application closes. */
	private void repeat() {
		try {
			while (!this.closing) {
				for (String name : this.properties.getEndpoints()) {
					runBatch(name, this.workloads.get(name), false, false);
				}
				Thread.sleep(500);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The application closes: the repeated batches end now, not when their waiting calls time out. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.closing = true;
		Thread thread = this.repeating;
		if (thread != null) {
			thread.interrupt();
		}
	}

	/**
	 * Starts one long job as an execution, then polls its status by id and prints each change,
	 * as a caller that handed the id on (or restarted) would.
	 */
	void followJob(int upTo) throws InterruptedException {
		Execution<PrimeCount> job = this.executions.start(() -> this.primes.countInSegments(upTo, 20));
		this.out.printf("job %s started: counting primes up to %,d%n", job.id(), upTo);
		Execution<Object> found = this.executions.find(job.id()).orElseThrow();
		long shown = -1;
		Double first = null;
		ExecutionRecord record = found.record();
		while (!record.status().isFinished()) {
			if (record.version() != shown) {
				shown = record.version();
				first = (first == null) ? record.progress() : first;
				// From the second report on: the estimate then follows the pace between reports, not
				// the first segment's, which the JIT slows down several times over.
				boolean paced = first != null && record.progress() != null && record.progress() > first;
				String eta = (paced && record.estimatedCompletion() != null) ? String.format(Locale.ROOT,
						" (done in ~%d ms)",
						Math.max(0, Duration.between(Instant.now(), record.estimatedCompletion()).toMillis())) : "";
				this.out.printf(Locale.ROOT, "job %s %-9s %3.0f%% %s%s%n", shortId(job), record.status(),
						(record.progress() != null) ? record.progress() * 100 : 0.0,
						(record.message() != null) ? record.message() : "", eta);
			}
			Thread.sleep(50);
			record = found.record();
		}
		long millis = Duration.between(record.createdAt(), record.finishedAt()).toMillis();
		if (record.status() == ExecutionStatus.SUCCEEDED) {
			PrimeCount count = job.await(Duration.ZERO);
			this.out.printf(Locale.ROOT, "job %s SUCCEEDED in %d ms on %s: %,d primes, the largest %,d%n%n",
					shortId(job), millis, record.worker(), count.count(), count.largest());
		}
		else {
			this.out.printf("job %s %s: %s%n%n", shortId(job), record.status(),
					(record.error() != null) ? record.error().message() : "");
		}
	}

	private static String shortId(Execution<?> job) {
		return job.id().substring(0, 8);
	}

	BatchResult runBatch(String name, IntFunction<Object> workload, boolean terminal, boolean shown)
			throws InterruptedException {
		int calls = this.properties.getCalls();
		Endpoint endpoint = this.endpoints.resolve(name);
		long[] latencies = new long[calls];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		Map<String, Integer> errors = new ConcurrentHashMap<>();
		AtomicInteger thrown = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(this.properties.getConcurrency(), (task) -> {
			Thread thread = new Thread(task, "demo-" + name);
			thread.setDaemon(true);
			return thread;
		});
		long start = System.nanoTime();
		try (Progress progress = shown ? new Progress(this.out, name, calls, done::get, terminal) : null) {
			for (int t = 0; t < this.properties.getConcurrency(); t++) {
				callers.execute(() -> {
					for (int i = next.getAndIncrement(); i < calls && !this.closing; i = next.getAndIncrement()) {
						long callStart = System.nanoTime();
						try {
							workload.apply(i);
						}
						catch (ExecutionException ex) {
							errors.merge(describe(ex), 1, Integer::sum);
							// Counted as Actuator and the console count: a service's exception is an answer.
							CallOutcome outcome = CallOutcome.of(ex);
							if (outcome == CallOutcome.SERVICE_EXCEPTION) {
								thrown.incrementAndGet();
							}
							else if (outcome.failed()) {
								failed.incrementAndGet();
							}
						}
						latencies[i] = System.nanoTime() - callStart;
						done.incrementAndGet();
					}
				});
			}
			callers.shutdown();
			try {
				while (!callers.awaitTermination(100, TimeUnit.MILLISECONDS)) {
					if (this.closing) {
						callers.shutdownNow();
					}
				}
			}
			finally {
				callers.shutdownNow();
			}
		}
		long elapsed = System.nanoTime() - start;
		return new BatchResult(name, endpoint.mode(), calls, new TreeMap<>(errors), thrown.get(), failed.get(),
				BatchResult.sorted(latencies), elapsed);
	}

	private static String describe(ExecutionException ex) {
		if (ex instanceof RemoteExecutionException remote) {
			return remote.getRemoteType();
		}
		return ex.getClass().getSimpleName();
	}

	void print(List<BatchResult> results) {
		this.out.println();
		this.out.printf("%-10s %-6s %7s %7s %7s %9s %9s %10s%n", "endpoint", "mode", "calls", "thrown", "failed",
				"p50 ms", "p99 ms", "calls/s");
		for (BatchResult result : results) {
			this.out.printf(Locale.ROOT, "%-10s %-6s %7d %7d %7d %9.2f %9.2f %10.0f%n", result.endpoint(),
					result.mode(), result.calls(), result.thrown(), result.failed(), result.percentileMillis(50),
					result.percentileMillis(99), result.throughput());
		}
		for (BatchResult result : results) {
			result.errors()
				.forEach((error, count) -> this.out.printf("  %s: %d x %s%n", result.endpoint(), count, error));
		}
		this.out.println();
	}

}
