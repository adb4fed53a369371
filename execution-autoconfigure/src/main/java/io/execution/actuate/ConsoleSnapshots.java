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
 * a short history for its charts. Nothing runs while no page asks: the snapshot is made by the
 * first request after the interval, and the history is a fixed number of points, so a page left
 * open for hours holds no more than one left open for minutes.
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
		snapshot.put("endpoints", endpoints(seconds, at));
		List<Map<String, Object>> workers = workers();
		snapshot.put("queues", queues(seconds, at, workers));
		snapshot.put("workers", workers);
		return snapshot;
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
