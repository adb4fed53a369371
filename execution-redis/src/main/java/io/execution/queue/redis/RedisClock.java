package io.execution.queue.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.redis.RedisConnections;


/**
 * Redis' clock as seen from this JVM: the offset between Redis {@code TIME} and this JVM's
 * {@link System#nanoTime()}, measured now and then, so that deadlines stamped by Redis can be
 * compared here without trusting either machine's wall clock.
 */
final class RedisClock {

	private static final long RESAMPLE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final RedisConnections connections;

	private volatile long offsetNanos;

	private volatile long sampledAt;

	private volatile boolean sampled;

	private final AtomicBoolean refreshing = new AtomicBoolean();

	RedisClock(RedisConnections connections) {
		this.connections = connections;
	}

	/**
	 * Converts a Redis time to this JVM's {@code nanoTime} clock. Never waits on Redis once the
	 * clock was read: a stale offset is refreshed in the background (this runs on Lettuce's I/O
	 * threads, which must not block).
	 * @param redisMillis milliseconds since the epoch, by Redis' clock
	 * @return the same instant on {@link System#nanoTime()}'s scale
	 */
	long toNanoTime(long redisMillis) {
		if (!this.sampled) {
			sample();
		}
		else if (System.nanoTime() - this.sampledAt > RESAMPLE_NANOS && this.refreshing.compareAndSet(false, true)) {
			long before = System.nanoTime();
			this.connections.shared().time().whenComplete((time, failure) -> {
				if (failure == null) {
					record(before, System.nanoTime(), time);
				}
				this.refreshing.set(false);
			});
		}
		return TimeUnit.MILLISECONDS.toNanos(redisMillis) - this.offsetNanos;
	}

	/**
	 * Reads Redis' clock unless it was read already: each consumer of the backend asks before its
	 * first request, and one reading serves them all (a consumer that starts later, such as a
	 * worker's control queue, sends no command of its own while the application idles).
	 */
	void sampleOnce() {
		if (!this.sampled) {
			sample();
		}
	}

	/**
	 * Reads Redis' clock now, waiting for the answer; done before the first request is taken.
	 */
	void sample() {
		try {
			long before = System.nanoTime();
			List<String> time = this.connections.shared().time().get(5, TimeUnit.SECONDS);
			record(before, System.nanoTime(), time);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			// Keep the last offset; without one, deadlines cannot be read.
			if (!this.sampled) {
				throw new IllegalStateException("Cannot read Redis TIME: " + ex, ex);
			}
		}
	}

	private void record(long before, long after, List<String> time) {
		long redisNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(time.get(0)))
				+ TimeUnit.MICROSECONDS.toNanos(Long.parseLong(time.get(1)));
		this.offsetNanos = redisNanos - (before + (after - before) / 2);
		this.sampledAt = after;
		this.sampled = true;
	}

}
