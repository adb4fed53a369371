package io.execution.cache;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Counts how often each method really runs, by its first argument. */
@ExecutionService
public class RatesService implements Rates {

	static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

	static int runs(String key) {
		AtomicInteger count = runs.get(key);
		return (count != null) ? count.get() : 0;
	}

	private static int ran(String key) {
		return runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public Quote rate(String from, String to) {
		int n = ran(from + to);
		return new Quote(from + "/" + to, 1.5 + n, List.of("ecb", "run-" + n));
	}

	@Override
	public Quote shortLived(String from) {
		int n = ran(from);
		return new Quote(from, n, List.of());
	}

	@Override
	public Quote slow(String from, long millis) {
		int n = ran(from);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return new Quote(from, n, List.of());
	}

	@Override
	public Quote flaky(String from) {
		if (ran(from) == 1) {
			throw new IllegalStateException("first time fails");
		}
		return new Quote(from, 2, List.of());
	}

	@Override
	public CompletableFuture<Quote> rateAsync(String from, String to) {
		int n = ran("async" + from + to);
		return CompletableFuture.completedFuture(new Quote(from + "/" + to, n, List.of()));
	}

	@Override
	public Quote uncached(String from) {
		int n = ran(from);
		return new Quote(from, n, List.of());
	}

}
