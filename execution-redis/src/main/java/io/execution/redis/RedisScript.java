package io.execution.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.ObjectOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/**
 * A Lua script run by its digest, loaded on first use or after a Redis restart: shared by the
 * queue backend, the execution store and the worker registry. The scripts are resources
 * ({@code io/execution/redis/lua/*.lua}), read once when their class loads.
 */
public final class RedisScript {

	/** Where the scripts are, on the class path. */
	private static final String LOCATION = "/io/execution/redis/lua/";

	/** A line at the head of a script that puts a library's functions there. */
	private static final String INCLUDE = "--! include ";

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
	 * The script of a resource under {@code io/execution/redis/lua/}. The comment lines at its
	 * head document it and are not sent to Redis; a head line {@code --! include <file>} puts
	 * that library's source (its own head comments left out) in its place.
	 * @param name the file name, such as {@code submit.lua}
	 * @param type what it returns
	 * @return the script
	 * @throws IllegalStateException when the resource is missing
	 */
	public static RedisScript resource(String name, ScriptOutputType type) {
		return new RedisScript(source(name), type);
	}

	/**
	 * The source of a script resource as Redis gets it.
	 * @param name the file name
	 * @return its source, head comments out and libraries in
	 */
	static String source(String name) {
		String text;
		try (java.io.InputStream in = RedisScript.class.getResourceAsStream(LOCATION + name)) {
			if (in == null) {
				throw new IllegalStateException("No Lua script " + LOCATION + name + " on the class path");
			}
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("Cannot read Lua script " + LOCATION + name, ex);
		}
		StringBuilder source = new StringBuilder(text.length());
		int at = 0;
		while (at < text.length() && text.startsWith("--", at)) {
			int end = text.indexOf('\n', at);
			String line = text.substring(at, (end < 0) ? text.length() : end);
			if (line.startsWith(INCLUDE)) {
				source.append(source(line.substring(INCLUDE.length()).strip()));
			}
			at = (end < 0) ? text.length() : end + 1;
		}
		return source.append(text, at, text.length()).toString();
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
		return call(redis, keys, (Object[]) args);
	}

	/**
	 * Runs the script with arguments that are text or bytes: bytes (a request or a reply, already
	 * UTF-8) go to Redis as they are, never turned into a string and back.
	 * @param <T> the result type
	 * @param redis the connection
	 * @param keys the keys it touches
	 * @param args its arguments, each a {@code String} or a {@code byte[]}
	 * @return its result to come
	 */
	public <T> CompletableFuture<T> call(RedisClusterAsyncCommands<String, String> redis, String[] keys,
			Object... args) {
		CompletableFuture<T> result = new CompletableFuture<>();
		this.<T>send(redis, CommandType.EVALSHA, this.sha, keys, args).whenComplete((value, failure) -> {
			if (failure instanceof RedisNoScriptException
					|| (failure != null && failure.getCause() instanceof RedisNoScriptException)) {
				// Not loaded (a restarted or new Redis): run it from its source, which loads it too.
				this.<T>send(redis, CommandType.EVAL, this.source, keys, args).whenComplete((retried, again) -> {
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

	private <T> RedisFuture<T> send(RedisClusterAsyncCommands<String, String> redis, CommandType command,
			String script, String[] keys, Object[] values) {
		CommandArgs<String, String> args = new CommandArgs<>(Utf8Codec.INSTANCE).add(script)
			.add(keys.length)
			.addKeys(keys);
		for (Object value : values) {
			if (value instanceof byte[] bytes) {
				args.add(bytes);
			}
			else {
				args.addValue((String) value);
			}
		}
		return redis.dispatch(command, output(), args);
	}

	@SuppressWarnings("unchecked")
	private <T> CommandOutput<String, String, T> output() {
		return (CommandOutput<String, String, T>) switch (this.type) {
			case BOOLEAN -> new BooleanOutput<>(Utf8Codec.INSTANCE);
			case INTEGER -> new IntegerOutput<>(Utf8Codec.INSTANCE);
			case STATUS -> new StatusOutput<>(Utf8Codec.INSTANCE);
			case MULTI -> new NestedMultiOutput<>(Utf8Codec.INSTANCE);
			case VALUE -> new ValueOutput<>(Utf8Codec.INSTANCE);
			default -> new ObjectOutput<>(Utf8Codec.INSTANCE);
		};
	}

}
