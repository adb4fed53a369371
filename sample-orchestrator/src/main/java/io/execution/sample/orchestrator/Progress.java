package io.execution.sample.orchestrator;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Shows how far a batch has got: a one-line bar redrawn in place on a terminal, plain lines
 * once a second otherwise (logs, CI).
 */
final class Progress implements AutoCloseable {

	/** The bar's width: a whole line stays within 40 columns, so it redraws in place on narrow terminals too. */
	private static final int WIDTH = 10;

	private final PrintStream out;

	private final String label;

	private final int total;

	private final IntSupplier done;

	private final boolean terminal;

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "demo-progress");
		thread.setDaemon(true);
		return thread;
	});

	Progress(PrintStream out, String label, int total, IntSupplier done, boolean terminal) {
		this.out = out;
		this.label = label;
		this.total = total;
		this.done = done;
		this.terminal = terminal;
		this.ticker.scheduleAtFixedRate(this::show, terminal ? 100 : 1000, terminal ? 100 : 1000,
				TimeUnit.MILLISECONDS);
	}

	private synchronized void show() {
		int count = Math.min(this.done.getAsInt(), this.total);
		if (this.terminal) {
			int filled = (this.total > 0) ? count * WIDTH / this.total : WIDTH;
			this.out.print("\r" + String.format("%-9.9s [%s%s] %3d%% %d/%d", this.label, "#".repeat(filled),
					"-".repeat(WIDTH - filled), (this.total > 0) ? count * 100 / this.total : 100, count, this.total));
			this.out.flush();
		}
		else {
			this.out.printf("%s: %d/%d calls%n", this.label, count, this.total);
		}
	}

	@Override
	public synchronized void close() {
		this.ticker.shutdownNow();
		show();
		if (this.terminal) {
			this.out.println();
		}
	}

}
