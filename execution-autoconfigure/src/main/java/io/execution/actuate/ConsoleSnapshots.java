package io.execution.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.core.CallStatistics;

/**
 * What the console shows, computed at most once per interval however many pages are open, with
 * a short history for its charts. While the console is enabled a snapshot is also made once per
 * interval with no page open ({@link #sampleEvery}), so a page opened during an incident shows
 * the minutes before it in its charts; the history is a fixed number of points, so a console
 * enabled for days holds no more than one enabled for minutes.
 */
public final class ConsoleSnapshots {

	/** The points of history kept per endpoint and queue. */
	static final int HISTORY = 90;

	private final ExecutionReport report;

	private final CallStatistics statistics;

	private final Duration interval;

	private final boolean readOnly;

	private final Clock clock;

	private final String self;

	private final boolean remoteControl;

	private Map<String, Object> current;

	private long madeAt;

	private final Map<String, Deque<Map<String, Object>>> endpointHistory = new HashMap<>();

	private final Map<String, Deque<Map<String, Object>>> queueHistory = new HashMap<>();

	/** The last counts seen, to turn counters into rates: endpoint calls and failures, queue completions. */
	private final Map<String, long[]> lastCounts = new HashMap<>();

	private long lastNanos;

	private volatile java.util.concurrent.ScheduledFuture<?> sampling;

	/**
	 * Makes the snapshots.
	 * @param report what the application knows of its endpoints, queues and workers
	 * @param statistics the endpoints' call statistics
	 * @param interval how often a new snapshot may be made
	 * @param readOnly whether the console offers no write action
	 * @param clock the clock of the snapshot's time
	 * @param self this application's id as a worker, or {@code null} when it runs no worker
	 * @param remoteControl whether other processes' workers can be asked to drain and resume
	 * (through the registry)
	 */
	public ConsoleSnapshots(ExecutionReport report, CallStatistics statistics, Duration interval, boolean readOnly,
			Clock clock, String self, boolean remoteControl) {
		this.self = self;
		this.remoteControl = remoteControl;
		this.report = report;
		this.statistics = statistics;
		this.interval = interval;
		this.readOnly = readOnly;
		this.clock = clock;
	}

	/**
	 * The snapshot, made now if the last one is older than the interval.
	 * @return the snapshot, shared by every caller until the next one
	 */
	public synchronized Map<String, Object> current() {
		long now = System.nanoTime();
		if (this.current == null || now - this.madeAt >= this.interval.toNanos()) {
			this.current = make(now);
			this.madeAt = now;
		}
		return this.current;
	}

	/**
	 * The last snapshot made, without making one.
	 * @return the snapshot, or {@code null} before the first
	 */
	public synchronized Map<String, Object> peek() {
		return this.current;
	}

	/**
	 * Makes a snapshot once per interval from now on, whether a page asks or not, so that the
	 * charts have history when a page opens. The timer's thread only hands the work on: a
	 * snapshot reads the queue backend and the registry, which may block.
	 * @param timer the timer that ticks
	 * @param worker where the snapshot is made
	 */
	public void sampleEvery(java.util.concurrent.ScheduledExecutorService timer, java.util.concurrent.Executor worker) {
		long millis = Math.max(100, this.interval.toMillis());
		this.sampling = timer.scheduleWithFixedDelay(() -> worker.execute(this::sample), millis, millis,
				java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	private void sample() {
		try {
			current();
		}
		catch (RuntimeException ex) {
			// The backend cannot be read now: the next tick tries again, a page says why.
		}
	}

	/**
	 * Stops the sampling.
	 */
	public void close() {
		java.util.concurrent.ScheduledFuture<?> running = this.sampling;
		if (running != null) {
			running.cancel(false);
		}
	}

	/**
	 * This application's id as a worker.
	 * @return the id, or {@code null} when it runs no worker
	 */
	public String self() {
		return this.self;
	}

	/**
	 * Whether the console offers no write action ({@code execution.console.read-only}).
	 * @return {@code true} when read-only
	 */
	public boolean readOnly() {
		return this.readOnly;
	}

	private Map<String, Object> make(long now) {
		double seconds = (this.lastNanos == 0) ? 0 : (now - this.lastNanos) / 1e9;
		this.lastNanos = now;
		Instant at = this.clock.instant();
		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("at", at.toString());
		snapshot.put("intervalMs", this.interval.toMillis());
		snapshot.put("readOnly", this.readOnly);
		snapshot.put("self", this.self);
		snapshot.put("remoteControl", this.remoteControl);
		List<Map<String, Object>> endpoints = endpoints(seconds, at);
		snapshot.put("endpoints", endpoints);
		List<Map<String, Object>> served = served(seconds);
		snapshot.put("served", served);
		List<Map<String, Object>> workers = workers();
		List<Map<String, Object>> queues = queues(seconds, at, workers);
		snapshot.put("queues", queues);
		snapshot.put("workers", workers);
		snapshot.put("totals", totals(queues, workers, served.isEmpty() ? endpoints : served, !served.isEmpty()));
		return snapshot;
	}

	/**
	 * The counters the landing page opens with: what waits, what runs and how the calls ended,
	 * from the one count model — of the calls this application served when it serves any, else of
	 * the calls its clients made.
	 */
	private static Map<String, Object> totals(List<Map<String, Object>> queues, List<Map<String, Object>> workers,
			List<Map<String, Object>> calls, boolean served) {
		long queued = 0;
		long scheduled = 0;
		long deadLetters = 0;
		for (Map<String, Object> queue : queues) {
			queued += number(queue.get("depth"));
			scheduled += number(queue.get("scheduled"));
			deadLetters += number(queue.get("deadLetters"));
		}
		long running = 0;
		for (Map<String, Object> worker : workers) {
			if (!Boolean.TRUE.equals(worker.get("stale"))) {
				running += number(worker.get("inFlight"));
			}
		}
		long succeeded = 0;
		long thrown = 0;
		long failed = 0;
		for (Map<String, Object> flow : calls) {
			@SuppressWarnings("unchecked")
			Map<String, Long> outcomes = (Map<String, Long>) flow.get("outcomes");
			succeeded += outcomes.getOrDefault("succeeded", 0L);
			thrown += outcomes.getOrDefault("serviceException", 0L);
			failed += number(flow.get("failures"));
		}
		Map<String, Object> totals = new LinkedHashMap<>();
		totals.put("queued", queued);
		totals.put("scheduled", scheduled);
		totals.put("running", running);
		totals.put("succeeded", succeeded);
		totals.put("thrown", thrown);
		totals.put("failed", failed);
		totals.put("deadLetters", deadLetters);
		totals.put("of", served ? "served" : "made");
		return totals;
	}

	private static long number(Object value) {
		return (value instanceof Number number) ? Math.max(0, number.longValue()) : 0;
	}

	/** The services this application serves, with their rates: a worker's landing page. */
	private List<Map<String, Object>> served(double seconds) {
		List<Map<String, Object>> all = new ArrayList<>();
		new java.util.TreeMap<>(this.report.served()).forEach((name, stats) -> {
			long[] last = this.lastCounts.put("s:" + name, new long[] { stats.calls() });
			double rate = (last != null && seconds > 0) ? Math.max(0, stats.calls() - last[0]) / seconds : 0;
			Map<String, Object> service = new LinkedHashMap<>();
			service.put("name", name);
			service.put("calls", stats.calls());
			service.put("failures", stats.failures());
			service.put("callsPerSecond", round(rate));
			service.put("p50Ms", round(stats.p50Millis()));
			service.put("p99Ms", round(stats.p99Millis()));
			service.put("outcomes", stats.outcomes());
			all.add(service);
		});
		return all;
	}

	private List<Map<String, Object>> endpoints(double seconds, Instant at) {
		List<Map<String, Object>> all = new ArrayList<>();
		new java.util.TreeMap<>(this.report.endpoints()).forEach((name, value) -> {
			@SuppressWarnings("unchecked")
			Map<String, Object> description = (Map<String, Object>) value;
			CallStatistics.Snapshot stats = this.statistics.of(name);
			long[] last = this.lastCounts.put("e:" + name, new long[] { stats.calls(), stats.failures() });
			double rate = (last != null && seconds > 0) ? Math.max(0, stats.calls() - last[0]) / seconds : 0;
			long newCalls = (last != null) ? stats.calls() - last[0] : 0;
			double errors = (last != null && newCalls > 0) ? (double) (stats.failures() - last[1]) / newCalls : 0;
			Map<String, Object> endpoint = new LinkedHashMap<>();
			endpoint.put("name", name);
			endpoint.put("mode", description.get("mode"));
			endpoint.put("timeout", description.get("timeout"));
			copy(description, endpoint, "queue", "circuit", "loadBalancer", "urls", "priority", "requires", "fallback");
			endpoint.put("calls", stats.calls());
			endpoint.put("failures", stats.failures());
			endpoint.put("outcomes", stats.outcomes());
			endpoint.put("callsPerSecond", round(rate));
			endpoint.put("errorRate", round(errors));
			endpoint.put("p50Ms", round(stats.p50Millis()));
			endpoint.put("p99Ms", round(stats.p99Millis()));
			endpoint.put("open", this.report.refusing(name));
			Map<String, Object> point = new LinkedHashMap<>();
			point.put("at", at.toEpochMilli());
			point.put("callsPerSecond", round(rate));
			point.put("errorRate", round(errors));
			point.put("p99Ms", round(stats.p99Millis()));
			endpoint.put("history", record(this.endpointHistory, name, point));
			all.add(endpoint);
		});
		return all;
	}

	private List<Map<String, Object>> queues(double seconds, Instant at, List<Map<String, Object>> workers) {
		List<Map<String, Object>> all = new ArrayList<>();
		new java.util.TreeMap<>(this.report.queues()).forEach((name, value) -> {
			@SuppressWarnings("unchecked")
			Map<String, Object> description = (Map<String, Object>) value;
			int inFlight = 0;
			long done = 0;
			for (Map<String, Object> worker : workers) {
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> pools = (List<Map<String, Object>>) worker.get("pools");
				for (Map<String, Object> pool : pools) {
					if (name.equals(pool.get("queue")) && !Boolean.TRUE.equals(worker.get("stale"))) {
						inFlight += ((Number) pool.get("inFlight")).intValue();
						done += ((Number) pool.get("completed")).longValue() + ((Number) pool.get("failed")).longValue();
					}
				}
			}
			long[] last = this.lastCounts.put("q:" + name, new long[] { done });
			double throughput = (last != null && seconds > 0) ? Math.max(0, done - last[0]) / seconds : 0;
			Map<String, Object> queue = new LinkedHashMap<>(description);
			queue.put("name", name);
			queue.put("inFlight", inFlight);
			queue.put("throughputPerSecond", round(throughput));
			Map<String, Object> point = new LinkedHashMap<>();
			point.put("at", at.toEpochMilli());
			point.put("depth", description.get("depth"));
			point.put("throughputPerSecond", round(throughput));
			queue.put("history", record(this.queueHistory, name, point));
			all.add(queue);
		});
		return all;
	}

	private List<Map<String, Object>> workers() {
		List<Map<String, Object>> all = new ArrayList<>();
		try {
			for (Map<String, Object> worker : this.report.workers()) {
				Map<String, Object> one = new LinkedHashMap<>(worker);
				one.remove("services");
				@SuppressWarnings("unchecked")
				List<io.execution.registry.WorkerInfo.Pool> pools = (List<io.execution.registry.WorkerInfo.Pool>) worker
					.get("pools");
				List<Map<String, Object>> described = new ArrayList<>();
				int inFlight = 0;
				boolean draining = !pools.isEmpty();
				for (io.execution.registry.WorkerInfo.Pool pool : pools) {
					Map<String, Object> p = new LinkedHashMap<>();
					p.put("queue", pool.queue());
					p.put("concurrency", pool.concurrency());
					p.put("inFlight", pool.inFlight());
					p.put("completed", pool.completed());
					p.put("failed", pool.failed());
					p.put("accepting", pool.accepting());
					p.put("successRate", pool.successRate());
					p.put("p50Millis", pool.p50Millis());
					p.put("p99Millis", pool.p99Millis());
					p.put("outcomes", pool.outcomes());
					described.add(p);
					inFlight += pool.inFlight();
					draining &= !pool.accepting();
				}
				one.put("pools", described);
				one.put("inFlight", inFlight);
				one.put("draining", draining);
				one.put("self", String.valueOf(worker.get("id")).equals(this.self));
				all.add(one);
			}
			all.sort(java.util.Comparator.comparing((worker) -> String.valueOf(worker.get("id"))));
		}
		catch (RuntimeException ex) {
			// The registry cannot be read now: the page says so with an empty list.
		}
		return all;
	}

	private static List<Map<String, Object>> record(Map<String, Deque<Map<String, Object>>> histories, String name,
			Map<String, Object> point) {
		Deque<Map<String, Object>> history = histories.computeIfAbsent(name, (key) -> new ArrayDeque<>());
		history.addLast(point);
		while (history.size() > HISTORY) {
			history.removeFirst();
		}
		return List.copyOf(history);
	}

	private static void copy(Map<String, Object> from, Map<String, Object> to, String... keys) {
		for (String key : keys) {
			if (from.containsKey(key)) {
				to.put(key, from.get(key));
			}
		}
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

}
