package io.execution.limits;

import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Records how many calls run at once, across every context of the JVM. */
@ExecutionService
public class ThrottledService implements Throttled {

	static final AtomicInteger running = new AtomicInteger();

	static final AtomicInteger most = new AtomicInteger();

	static void reset() {
		running.set(0);
		most.set(0);
	}

	@Override
	public String work(long millis) {
		int now = running.incrementAndGet();
		most.accumulateAndGet(now, Math::max);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			running.decrementAndGet();
		}
		return "done";
	}

}
