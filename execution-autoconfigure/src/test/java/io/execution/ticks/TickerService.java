package io.execution.ticks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Counts the runs of each method (and label) in this JVM, and how many slow ones run at once. */
@ExecutionService("ticker")
public class TickerService implements Ticker {

	static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	static final AtomicInteger RUNNING = new AtomicInteger();

	static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();

	static int runs(String what) {
		AtomicInteger runs = RUNS.get(what);
		return (runs != null) ? runs.get() : 0;
	}

	static void reset() {
		RUNS.clear();
		RUNNING.set(0);
		MOST_AT_ONCE.set(0);
	}

	private static void count(String what) {
		RUNS.computeIfAbsent(what, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public String fast() {
		count("fast");
		return "fast";
	}

	@Override
	public String slow(long millis) {
		count("slow");
		int now = RUNNING.incrementAndGet();
		MOST_AT_ONCE.accumulateAndGet(now, Math::max);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			RUNNING.decrementAndGet();
		}
		return "slow";
	}

	@Override
	public String flaky(String label) {
		count(label);
		if (runs(label) == 1) {
			throw new IllegalStateException("first run of " + label);
		}
		return "ok after " + runs(label);
	}

	@Override
	public String quick(String label) {
		count(label);
		return label;
	}

}
