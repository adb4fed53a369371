package io.execution.benchmarks;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Tells when the JIT compiler has settled, from the JVM's accumulated compilation time: settled
 * once the compilers spent at most {@link #BUSY_SHARE} of the wall time of the last
 * {@link #WINDOW_SECONDS} seconds compiling. A fixed warm-up is not enough on a 2-core machine:
 * there C2 was seen still taking a quarter of the CPU 35 s into a run of three Spring contexts, and
 * a row measured then measures the compiler as much as the code.
 */
final class JitSettle {

	/** The window the compilers' share is measured over. */
	static final int WINDOW_SECONDS = 5;

	/** The most of the window's wall time the compilers may spend compiling to count as settled. */
	static final double BUSY_SHARE = 0.05;

	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

	/** (time in nanoseconds, compilation milliseconds so far), oldest first. */
	private final ArrayDeque<long[]> samples = new ArrayDeque<>();

	/**
	 * Takes a reading.
	 * @param nanos when ({@link System#nanoTime()})
	 * @param compileMillis the compilation time so far, in milliseconds
	 */
	void sample(long nanos, long compileMillis) {
		this.samples.addLast(new long[] { nanos, compileMillis });
		// Keep the newest reading at least a window old, to measure the window from.
		while (this.samples.size() > 2 && nanos - secondOldest()[0] >= WINDOW_NANOS) {
			this.samples.removeFirst();
		}
	}

	private long[] secondOldest() {
		java.util.Iterator<long[]> oldestFirst = this.samples.iterator();
		oldestFirst.next();
		return oldestFirst.next();
	}

	/**
	 * Whether the readings span a whole window in which the compilers were idle enough.
	 * @return {@code true} when settled
	 */
	boolean settled() {
		if (this.samples.size() < 2) {
			return false;
		}
		long[] first = this.samples.peekFirst();
		long[] last = this.samples.peekLast();
		long wall = last[0] - first[0];
		if (wall < WINDOW_NANOS) {
			return false;
		}
		long compiling = TimeUnit.MILLISECONDS.toNanos(last[1] - first[1]);
		return compiling <= wall * BUSY_SHARE;
	}

	/** How many readings are kept (about a window's worth). */
	int readings() {
		return this.samples.size();
	}

	/**
	 * The CPU time this JVM's JIT compiler threads have used so far: on Linux read from
	 * {@code /proc/self/task} (the compiler threads are hidden from {@code ThreadMXBean}); elsewhere
	 * the JVM's accumulated compilation time, which is wall time and reads high on a busy machine.
	 * @return milliseconds, or -1 when neither is known
	 */
	static long compileMillis() {
		long fromProc = compilerThreadsCpuMillis();
		if (fromProc >= 0) {
			return fromProc;
		}
		java.lang.management.CompilationMXBean compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
		return (compiler != null && compiler.isCompilationTimeMonitoringSupported()) ? compiler.getTotalCompilationTime()
				: -1;
	}

	/** Clock ticks per second of {@code /proc}'s CPU times (USER_HZ: 100 on every Linux in use). */
	private static final long TICKS_PER_SECOND = 100;

	private static long compilerThreadsCpuMillis() {
		java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
		if (!java.nio.file.Files.isDirectory(tasks)) {
			return -1;
		}
		long ticks = 0;
		try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
			for (java.nio.file.Path thread : (Iterable<java.nio.file.Path>) threads::iterator) {
				try {
					String name = java.nio.file.Files.readString(thread.resolve("comm")).trim();
					if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
						continue;
					}
					String stat = java.nio.file.Files.readString(thread.resolve("stat"));
					// After the name in parentheses: state, then fields 4 on; utime and stime are 14 and 15.
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
				}
				catch (java.io.IOException | RuntimeException ex) {
					// A compiler thread that ended (they come and go with the load) adds nothing.
				}
			}
		}
		catch (java.io.IOException ex) {
			return -1;
		}
		return ticks * 1000 / TICKS_PER_SECOND;
	}

}
