package io.execution.core;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Aggregate statistics per endpoint (the calls this application made) and per service (the
 * calls it served): calls, failures, and latency percentiles over the most recent calls. Cheap
 * enough for every call: two adders and one array write.
 */
public final class CallStatistics implements CallObserver {

	private static final int WINDOW = 1024;

	private final Map<String, Window> endpoints = new ConcurrentHashMap<>();

	private final Map<String, Window> served = new ConcurrentHashMap<>();

	@Override
	public void finished(Endpoint endpoint, ClientMethod method, long durationNanos, Throwable failure) {
		Window window = this.endpoints.get(endpoint.name());
		if (window == null) {
			window = this.endpoints.computeIfAbsent(endpoint.name(), (name) -> new Window());
		}
		window.record(durationNanos, CallOutcome.of(failure).failed());
	}

	/**
	 * Records a call this application served (over HTTP or on a worker pool) for a service it
	 * offers.
	 * @param service the service
	 * @param durationNanos how long it took, from the request read to the answer ready
	 * @param failed whether it ended without an answer (timed out, cancelled, refused,
	 * unreadable); a method that threw has answered
	 */
	public void served(String service, long durationNanos, boolean failed) {
		Window window = this.served.get(service);
		if (window == null) {
			window = this.served.computeIfAbsent(service, (name) -> new Window());
		}
		window.record(durationNanos, failed);
	}

	/**
	 * What this application served, by service name.
	 * @return snapshots by service
	 */
	public Map<String, Snapshot> served() {
		Map<String, Snapshot> all = new java.util.TreeMap<>();
		this.served.forEach((service, window) -> all.put(service, window.snapshot()));
		return all;
	}

	/**
	 * The statistics of one endpoint.
	 * @param endpoint the endpoint name
	 * @return its statistics (all zero before its first call)
	 */
	public Snapshot of(String endpoint) {
		Window window = this.endpoints.get(endpoint);
		return (window != null) ? window.snapshot() : new Snapshot(0, 0, 1.0, 0, 0);
	}

	/**
	 * What an endpoint's calls did.
	 *
	 * @param calls calls finished
	 * @param failures calls that failed ({@link CallOutcome#failed()}: not answers, not cancellations)
	 * @param successRate share of calls that succeeded, 1.0 before any call
	 * @param p50Millis median latency over the recent calls
	 * @param p99Millis 99th percentile latency over the recent calls
	 */
	public record Snapshot(long calls, long failures, double successRate, double p50Millis, double p99Millis) {
	}

	/**
	 * The counts and recent latencies of one flow of calls (an endpoint, a served service, a
	 * worker pool): two adders and one array write per call.
	 */
	public static final class Window {

		private final LongAdder calls = new LongAdder();

		private final LongAdder failures = new LongAdder();

		private final AtomicLongArray latencies = new AtomicLongArray(WINDOW);

		private final AtomicInteger next = new AtomicInteger();

		/**
		 * Records a finished call.
		 * @param nanos how long it took
		 * @param failed whether it failed ({@link CallOutcome#failed()}: not answered)
		 */
		public void record(long nanos, boolean failed) {
			this.calls.increment();
			if (failed) {
				this.failures.increment();
			}
			this.latencies.set(this.next.getAndIncrement() & (WINDOW - 1), nanos);
		}

		/**
		 * The counts and percentiles as of now.
		 * @return the snapshot
		 */
		public Snapshot snapshot() {
			long calls = this.calls.sum();
			long failures = this.failures.sum();
			int filled = (int) Math.min(calls, WINDOW);
			long[] sorted = new long[filled];
			for (int i = 0; i < filled; i++) {
				sorted[i] = this.latencies.get(i);
			}
			Arrays.sort(sorted);
			return new Snapshot(calls, failures, (calls > 0) ? (double) (calls - failures) / calls : 1.0,
					percentile(sorted, 0.50), percentile(sorted, 0.99));
		}

		private static double percentile(long[] sorted, double quantile) {
			if (sorted.length == 0) {
				return 0;
			}
			int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
			return sorted[Math.max(0, index)] / 1_000_000.0;
		}

	}

}
