package io.execution.executions;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionService;
import io.execution.async.Progress;

/** Runs each step of a job once the test lets it through, reporting progress after each. */
@ExecutionService
public class JobsService implements Jobs {

	static final Map<String, Semaphore> gates = new ConcurrentHashMap<>();

	static final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();

	static final Set<String> interrupted = ConcurrentHashMap.newKeySet();

	static final Set<String> touched = ConcurrentHashMap.newKeySet();

	/** How many times each name was touched. */
	static final Map<String, java.util.concurrent.atomic.AtomicInteger> touches = new ConcurrentHashMap<>();

	static Semaphore gate(String name) {
		return gates.computeIfAbsent(name, (key) -> new Semaphore(0));
	}

	static CountDownLatch started(String name) {
		return started.computeIfAbsent(name, (key) -> new CountDownLatch(1));
	}

	static void awaitStarted(String name) throws InterruptedException {
		if (!started(name).await(20, TimeUnit.SECONDS)) {
			throw new AssertionError(name + " did not start within 20s");
		}
	}

	@Override
	public String work(String name, int steps) {
		started(name).countDown();
		try {
			for (int step = 1; step <= steps; step++) {
				if (!gate(name).tryAcquire(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("step " + step + " of " + name + " was never let through");
				}
				Progress.report(step / (double) steps, "step " + step + " of " + steps);
			}
		}
		catch (InterruptedException ex) {
			interrupted.add(name);
			Thread.currentThread().interrupt();
			throw new IllegalStateException(name + " was interrupted");
		}
		return name + " done after " + steps + " steps";
	}

	@Override
	public String fail(String message) {
		throw new IllegalStateException(message);
	}

	@Override
	public void touch(String name) {
		touches.computeIfAbsent(name, (key) -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
		touched.add(name);
	}

	@Override
	public int length(String text) {
		return text.length();
	}

	@Override
	public java.util.concurrent.CompletableFuture<Integer> lengthAsync(String text) {
		return java.util.concurrent.CompletableFuture.completedFuture(text.length());
	}

}
