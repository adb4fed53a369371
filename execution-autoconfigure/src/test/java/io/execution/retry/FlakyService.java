package io.execution.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Counts the runs per key in this JVM, which every worker context of a test shares. */
@ExecutionService("flaky")
public class FlakyService implements Flaky {

	static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	static int runs(String key) {
		AtomicInteger runs = RUNS.get(key);
		return (runs != null) ? runs.get() : 0;
	}

	private static String run(String key, int failures) {
		int run = RUNS.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		if (run <= failures) {
			throw new IllegalStateException("run " + run + " of " + key + " fails");
		}
		return key + " after " + run;
	}

	@Override
	public String annotated(String key, int failures) {
		return run(key, failures);
	}

	@Override
	public java.util.concurrent.CompletableFuture<String> later(String key, int failures) {
		return java.util.concurrent.CompletableFuture.completedFuture(run(key, failures));
	}

	@Override
	public String refused(String key) {
		RUNS.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		throw new IllegalArgumentException("no " + key);
	}

	@Override
	public String kept(String key) {
		return run(key, Integer.MAX_VALUE);
	}

	@Override
	public String byProperties(String key, int failures) {
		return run(key, failures);
	}

	@Override
	public String notIdempotent(String key, int failures) {
		return run(key, failures);
	}

}
