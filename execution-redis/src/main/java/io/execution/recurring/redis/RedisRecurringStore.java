package io.execution.recurring.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.recurring.RecurringStore;
import io.execution.redis.RedisConnections;
import io.execution.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;

/**
 * The recurring calls' state in Redis, shared by every instance: per call a hash (the latest
 * tick, whether paused) and a list of its recent ticks, in one slot ({@code {r:<name>}}) so that
 * a Cluster keeps them together. Kept for 30 days after the last change; a value that does not
 * read is taken as absent, never trusted.
 */
public final class RedisRecurringStore implements RecurringStore {

	private static final RedisScript TICKED = RedisScript.resource("recurring-ticked.lua", ScriptOutputType.INTEGER);

	private static final Duration KEPT = Duration.ofDays(30);

	private final RedisConnections connections;

	private final String prefix;

	/**
	 * Makes the store.
	 * @param connections the connections
	 * @param prefix the prefix of the keys, the queue backend's
	 */
	public RedisRecurringStore(RedisConnections connections, String prefix) {
		this.connections = connections;
		this.prefix = prefix;
	}

	private String state(String name) {
		return this.prefix + ":{r:" + name + "}:state";
	}

	private String ticks(String name) {
		return this.prefix + ":{r:" + name + "}:ticks";
	}

	@Override
	public Optional<Instant> lastDue(String name) {
		return millis(await(this.connections.shared().hget(state(name), "last").toCompletableFuture()))
			.map(Instant::ofEpochMilli);
	}

	@Override
	public void ticked(String name, Instant due) {
		await(TICKED.run(this.connections.shared(), new String[] { state(name), ticks(name) },
				new String[] { String.valueOf(due.toEpochMilli()), String.valueOf(HISTORY),
						String.valueOf(KEPT.toMillis()) }));
	}

	@Override
	public List<Instant> recent(String name) {
		List<String> values = await(this.connections.shared().lrange(ticks(name), 0, HISTORY - 1).toCompletableFuture());
		List<Instant> recent = new ArrayList<>();
		for (String value : (values != null) ? values : List.<String>of()) {
			millis(value).map(Instant::ofEpochMilli).ifPresent(recent::add);
		}
		return recent;
	}

	@Override
	public boolean paused(String name) {
		return "1".equals(await(this.connections.shared().hget(state(name), "paused").toCompletableFuture()));
	}

	@Override
	public void pause(String name, boolean paused) {
		var redis = this.connections.shared();
		await(redis.hset(state(name), "paused", paused ? "1" : "0").toCompletableFuture());
		await(redis.pexpire(state(name), KEPT.toMillis()).toCompletableFuture());
	}

	private static Optional<Long> millis(String value) {
		try {
			return (value != null) ? Optional.of(Long.parseLong(value)) : Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new ExecutionRejectedException("The recurring calls' state in Redis is unreachable: " + ex, ex);
		}
	}

}
