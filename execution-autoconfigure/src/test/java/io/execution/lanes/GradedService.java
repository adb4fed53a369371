package io.execution.lanes;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionService;

import org.springframework.beans.factory.annotation.Value;

/** Records the order calls start in, across every context of the JVM. */
@ExecutionService
public class GradedService implements Graded {

	static final List<String> started = new CopyOnWriteArrayList<>();

	static volatile CountDownLatch release = new CountDownLatch(1);

	static volatile CountDownLatch blocking = new CountDownLatch(1);

	@Value("${worker.name:worker}")
	private String name;

	static void reset() {
		started.clear();
		release = new CountDownLatch(1);
		blocking = new CountDownLatch(1);
	}

	@Override
	public CompletableFuture<String> run(String label) {
		if (label.equals("block")) {
			blocking.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		else {
			started.add(label);
		}
		return CompletableFuture.completedFuture(label);
	}

	@Override
	public String where() {
		return this.name;
	}

}
