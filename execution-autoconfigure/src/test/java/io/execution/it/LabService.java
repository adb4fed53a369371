package io.execution.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** The implementation behind {@link Lab}, recording what reaches it. */
@ExecutionService
public class LabService implements Lab {

	final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

	final AtomicInteger sleepsStarted = new AtomicInteger();

	final AtomicInteger sleepsFinished = new AtomicInteger();

	final AtomicInteger interrupted = new AtomicInteger();

	volatile CountDownLatch sleeping = new CountDownLatch(1);

	final ConcurrentLinkedQueue<String> echoes = new ConcurrentLinkedQueue<>();

	/**
	 * What {@link #echo} received, for tests in other packages.
	 * @return the texts
	 */
	public java.util.Collection<String> echoes() {
		return this.echoes;
	}

	@Override
	public String echo(String text) {
		this.echoes.add(text);
		return text;
	}

	@Override
	public int add(int a, int b) {
		return a + b;
	}

	@Override
	public Order price(Order order) {
		double total = order.lines().stream().mapToDouble((line) -> line.quantity() * line.price()).sum();
		return new Order(order.id(), order.lines(), total);
	}

	@Override
	public List<Order> split(Order order) {
		List<Order> orders = new ArrayList<>();
		for (Line line : order.lines()) {
			orders.add(new Order(order.id() + "/" + line.sku(), List.of(line), line.quantity() * line.price()));
		}
		return orders;
	}

	@Override
	public Map<String, Integer> count(List<String> words) {
		Map<String, Integer> counts = new TreeMap<>();
		words.forEach((word) -> counts.merge(word, 1, Integer::sum));
		return counts;
	}

	@Override
	public void record(String event) {
		this.events.add(event);
	}

	@Override
	public CompletableFuture<String> echoAsync(String text) {
		return CompletableFuture.completedFuture(echo(text));
	}

	@Override
	public CompletableFuture<Void> recordAsync(String event) {
		record(event);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public String fail(String message) {
		throw new IllegalStateException(message);
	}

	@Override
	public String sleep(long millis) {
		this.sleepsStarted.incrementAndGet();
		this.sleeping.countDown();
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			this.interrupted.incrementAndGet();
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		this.sleepsFinished.incrementAndGet();
		return "slept " + millis;
	}

	@Override
	public CompletableFuture<String> sleepAsync(long millis) {
		return CompletableFuture.completedFuture(sleep(millis));
	}

	@Override
	public String thread() {
		return Thread.currentThread().getName();
	}

}
