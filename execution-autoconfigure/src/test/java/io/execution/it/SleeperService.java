package io.execution.it;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

/** Implements {@link Sleeper}, counting starts, ends and interrupts. */
@ExecutionService
public class SleeperService implements Sleeper {

	final AtomicInteger started = new AtomicInteger();

	final AtomicInteger finished = new AtomicInteger();

	final AtomicInteger interrupted = new AtomicInteger();

	final Semaphore running = new Semaphore(0);

	final Semaphore holding = new Semaphore(0);

	volatile CountDownLatch gate = new CountDownLatch(1);

	final ConcurrentLinkedQueue<String> stamps = new ConcurrentLinkedQueue<>();

	public java.util.Collection<String> stamps() {
		return this.stamps;
	}

	public Semaphore running() {
		return this.running;
	}

	public int interruptions() {
		return this.interrupted.get();
	}

	@Override
	public String sleep(long millis) {
		this.started.incrementAndGet();
		this.running.release();
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			this.interrupted.incrementAndGet();
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		this.finished.incrementAndGet();
		return "slept " + millis;
	}

	@Override
	public CompletableFuture<String> sleepAsync(long millis) {
		return CompletableFuture.completedFuture(sleep(millis));
	}

	@Override
	public CompletableFuture<String> hold() {
		this.holding.release();
		boolean wasInterrupted = false;
		while (true) {
			try {
				this.gate.await();
				break;
			}
			catch (InterruptedException ex) {
				wasInterrupted = true;
			}
		}
		if (wasInterrupted) {
			Thread.currentThread().interrupt();
		}
		return CompletableFuture.completedFuture("released");
	}

	@Override
	public CompletableFuture<String> stamp(String id) {
		this.stamps.add(id);
		return CompletableFuture.completedFuture(id);
	}

}
