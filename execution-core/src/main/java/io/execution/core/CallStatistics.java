package io.execution.core;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Aggregate statistics per endpoint (the calls this application made) and per service (the
 * calls it served), and, through {@link Window}, per worker pool: calls by {@link CallOutcome},
 * failures, and latency percentiles over the most recent calls — the one count model the
 * Actuator endpoint, the console and the samples read. Cheap enough for every call: one adder
 * and one array write.
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
		window.record(durationNanos, CallOutcome.of(failure));
	}

	/**
	 * Records a call this application served (over HTTP or on a worker pool) for a service it
	 * offers.
	 * @param service the service
	 * @param durationNanos how long it took, from the request read to the answer ready
	 * @param outcome how it ended, by the one outcome model (a method that threw has answered)
	 */
	public void served(String service, long durationNanos, CallOutcome outcome) {
		Window window = this.served.get(service);
		if (window == null) {
			window = this.served.computeIfAbsent(service, (name) -> new Window());
		}
		window.record(durationNanos, outcome);
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
		return (window != null) ? window.snapshot() : new Window().snapshot();
	}

	/**
	 * What a flow of calls did (an endpoint's, a served service's, a pool's), by the one outcome
	 * model: the same counts wherever they are shown.
	 *
	 * @param calls calls finished
	 * @param failures calls that failed ({@link CallOutcome#failed()}: not answers, not cancellations)
	 * @param successRate share of calls that did not fail, 1.0 before any call
	 * @param p50Millis median latency over the recent calls
	 * @param p99Millis 99th percentile latency over the recent calls
	 * @param outcomes the calls by outcome: {@code succeeded}, {@code serviceException},
	 * {@code cancelled}, {@code rejected}, {@code neverRan}, {@code mayHaveRun}, {@code timedOut}
	 */
	public record Snapshot(long calls, long failures, double successRate, double p50Millis, double p99Millis,
			Map<String, Long> outcomes) {

		/**
		 * The calls answered: a result or the service's own exception.
		 * @return the count
		 */
		public long answered() {
			return this.outcomes.getOrDefault(name(CallOutcome.SUCCEEDED), 0L)
					+ this.outcomes.getOrDefault(name(CallOutcome.SERVICE_EXCEPTION), 0L);
		}

		/**
		 * The calls that ended so.
		 * @param outcome the outcome
		 * @return the count
		 */
		public long count(CallOutcome outcome) {
			return this.outcomes.getOrDefault(name(outcome), 0L);
		}

	}

	/** An outcome's name in the counts: its constant in lower camel case ({@code serviceException}). */
	static String name(CallOutcome outcome) {
		String[] words = outcome.name().toLowerCase(java.util.Locale.ROOT).split("_");
		StringBuilder name = new StringBuilder(words[0]);
		for (int i = 1; i < words.length; i++) {
			name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
		}
		return name.toString();
	}

	private static final CallOutcome[] OUTCOMES = CallOutcome.values();

	private static final String[] NAMES = Arrays.stream(OUTCOMES).map(CallStatistics::name).toArray(String[]::new);

	/**
	 * The counts and recent latencies of one flow of calls (an endpoint, a served service, a
	 * worker pool): one adder and one array write per call. The calls and failures are the sums
	 * of the outcomes' counts, so they always agree with them. The latencies kept are the first
	 * {@value #WINDOW} calls', then each call takes the place of a randomly chosen one: a sample
	 * of the recent calls (on average {@value #WINDOW} calls old) that threads on different cores
	 * write without passing one counter between them.
	 */
	public static final class Window {

		private final LongAdder[] outcomes = Arrays.stream(OUTCOMES).map((outcome) -> new LongAdder())
			.toArray(LongAdder[]::new);

		private final AtomicLongArray latencies = new AtomicLongArray(WINDOW);

		/** How many latencies were kept in order, up to {@value #WINDOW}; random places after. */
		private final AtomicInteger filled = new AtomicInteger();

		/**
		 * Records a finished call.
		 * @param nanos how long it took
		 * @param outcome how it ended
		 */
		public void record(long nanos, CallOutcome outcome) {
			this.outcomes[outcome.ordinal()].increment();
			int slot;
			if (this.filled.getOpaque() < WINDOW && (slot = this.filled.getAndIncrement()) < WINDOW) {
				this.latencies.setRelease(slot, nanos);
			}
			else {
				this.latencies.setOpaque(ThreadLocalRandom.current().nextInt(WINDOW), nanos);
			}
		}

		/**
		 * The calls that ended so, as of now, without the percentiles.
		 * @param outcome the outcome
		 * @return the count
		 */
		public long count(CallOutcome outcome) {
			return this.outcomes[outcome.ordinal()].sum();
		}

		/**
		 * The calls that failed ({@link CallOutcome#failed()}), as of now.
		 * @return the count
		 */
		public long failures() {
			long failures = 0;
			for (int i = 0; i < OUTCOMES.length; i++) {
				if (OUTCOMES[i].failed()) {
					failures += this.outcomes[i].sum();
				}
			}
			return failures;
		}

		/**
		 * The counts and percentiles as of now.
		 * @return the snapshot
		 */
		public Snapshot snapshot() {
			long calls = 0;
			long failures = 0;
			Map<String, Long> byOutcome = new java.util.LinkedHashMap<>();
			for (int i = 0; i < OUTCOMES.length; i++) {
				long count = this.outcomes[i].sum();
				byOutcome.put(NAMES[i], count);
				calls += count;
				failures += OUTCOMES[i].failed() ? count : 0;
			}
			int kept = Math.min(this.filled.get(), WINDOW);
			long[] sorted = new long[kept];
			for (int i = 0; i < kept; i++) {
				sorted[i] = this.latencies.getAcquire(i);
			}
			Arrays.sort(sorted);
			return new Snapshot(calls, failures, (calls > 0) ? (double) (calls - failures) / calls : 1.0,
					percentile(sorted, 0.50), percentile(sorted, 0.99), java.util.Collections.unmodifiableMap(byOutcome));
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
