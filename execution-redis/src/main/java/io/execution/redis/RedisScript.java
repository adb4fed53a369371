package io.execution.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * A Lua script run by its digest, loaded on first use or after a Redis restart: shared by the
 * queue backend, the execution store and the worker registry.
 */
public final class RedisScript {

	private final String source;

	private final String sha;

	private final ScriptOutputType type;

	/**
	 * Makes the script.
	 * @param source its Lua source
	 * @param type what it returns
	 */
	public RedisScript(String source, ScriptOutputType type) {
		this.source = source;
		this.type = type;
		try {
			this.sha = HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Loads the script, so that its first run needs one round trip.
	 * @param redis the connection
	 * @return the load to come
	 */
	public CompletableFuture<String> load(RedisClusterAsyncCommands<String, String> redis) {
		return redis.scriptLoad(this.source).toCompletableFuture();
	}

	/**
	 * Runs the script.
	 * @param <T> the result type
	 * @param redis the connection
	 * @param keys the keys it touches
	 * @param args its arguments
	 * @return its result to come
	 */
	public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> redis, String[] keys,
			String... args) {
		CompletableFuture<T> result = new CompletableFuture<>();
		redis.<T>evalsha(this.sha, this.type, keys, args).whenComplete((value, failure) -> {
			if (failure instanceof RedisNoScriptException
					|| (failure != null && failure.getCause() instanceof RedisNoScriptException)) {
				redis.<T>eval(this.source, this.type, keys, args).whenComplete((retried, again) -> {
					if (again != null) {
						result.completeExceptionally(again);
					}
					else {
						result.complete(retried);
					}
				});
			}
			else if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
		return result;
	}

}
