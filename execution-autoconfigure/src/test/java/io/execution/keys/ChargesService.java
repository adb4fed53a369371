package io.execution.keys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Records, per customer, how many charges run at once and how many started, across every context of the JVM. */
@ExecutionService
public class ChargesService implements Charges {

	static final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

	static final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

	static final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();

	static final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	static void reset() {
		running.clear();
		most.clear();
		started.clear();
		gates.values().forEach(CountDownLatch::countDown);
		gates.clear();
	}

	static CountDownLatch gate(String name) {
		return gates.computeIfAbsent(name, (n) -> new CountDownLatch(1));
	}

	static int started(String customer) {
		AtomicInteger count = started.get(customer);
		return (count != null) ? count.get() : 0;
	}

	static int most(String customer) {
		AtomicInteger count = most.get(customer);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public String charge(String named, String gate) {
		// A charge whose key came from the caller's scope names no customer here.
		String customer = (named != null) ? named : "(scope)";
		int now = running.computeIfAbsent(customer, (c) -> new AtomicInteger()).incrementAndGet();
		most.computeIfAbsent(customer, (c) -> new AtomicInteger()).accumulateAndGet(now, Math::max);
		started.computeIfAbsent(customer, (c) -> new AtomicInteger()).incrementAndGet();
		try {
			if (gate != null) {
				gate(gate).await(30, TimeUnit.SECONDS);
			}
			else {
				// Work that takes a while, so that charges of one customer would overlap without the limit.
				Thread.sleep(20);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			running.get(customer).decrementAndGet();
		}
		return named;
	}

}
