package io.execution.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Redis connections of the queue backend, made from the application's Lettuce client (and so
 * from its {@code spring.data.redis.*} settings): one shared connection on which every
 * non-blocking command of every thread is pipelined, and a dedicated connection for each loop
 * that blocks (a queue's reader, the replies' reader). Standalone, Sentinel and Cluster clients.
 */
public final class RedisConnections implements AutoCloseable {

	private final AbstractRedisClient client;

	private final Map<Object, StatefulConnection<String, ?>> opened = new ConcurrentHashMap<>();

	/** Keys as UTF-8 text, values as the bytes Redis holds: for what carries requests and replies. */
	private static final io.lettuce.core.codec.RedisCodec<String, byte[]> BINARY = io.lettuce.core.codec.RedisCodec
		.of(Utf8Codec.INSTANCE, io.lettuce.core.codec.ByteArrayCodec.INSTANCE);

	private volatile RedisClusterAsyncCommands<String, String> shared;

	/**
	 * Wraps a Lettuce client.
	 * @param client a {@link RedisClient} or {@link RedisClusterClient}
	 */
	public RedisConnections(AbstractRedisClient client) {
		if (!(client instanceof RedisClient) && !(client instanceof RedisClusterClient)) {
			throw new IllegalArgumentException("Unsupported Lettuce client " + client.getClass().getName());
		}
		this.client = client;
	}

	/**
	 * Whether this is a Redis Cluster: keys of different slots live on different nodes, so
	 * commands to them are not ordered by one connection.
	 * @return {@code true} for a Cluster client
	 */
	public boolean cluster() {
		return this.client instanceof RedisClusterClient;
	}

	/**
	 * The shared connection's commands (opened on first use).
	 * @return the commands
	 */
	public RedisClusterAsyncCommands<String, String> shared() {
		RedisClusterAsyncCommands<String, String> commands = this.shared;
		if (commands == null) {
			synchronized (this) {
				if (this.shared == null) {
					this.shared = dedicated();
				}
				commands = this.shared;
			}
		}
		return commands;
	}

	/**
	 * Opens a connection of its own, for blocking commands.
	 * @return its commands
	 */
	public RedisClusterAsyncCommands<String, String> dedicated() {
		if (this.client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterConnection<String, String> connection = cluster.connect(Utf8Codec.INSTANCE);
			this.opened.put(connection.async(), connection);
			return connection.async();
		}
		StatefulRedisConnection<String, String> connection = ((RedisClient) this.client).connect(Utf8Codec.INSTANCE);
		this.opened.put(connection.async(), connection);
		return connection.async();
	}

	/**
	 * Opens a connection of its own whose values are bytes, as Redis holds them (keys are text):
	 * for reading replies and requests without turning them into strings and back.
	 * @return the connection's commands
	 */
	public RedisClusterAsyncCommands<String, byte[]> dedicatedBinary() {
		if (this.client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterConnection<String, byte[]> connection = cluster.connect(BINARY);
			this.opened.put(connection.async(), connection);
			return connection.async();
		}
		StatefulRedisConnection<String, byte[]> connection = ((RedisClient) this.client).connect(BINARY);
		this.opened.put(connection.async(), connection);
		return connection.async();
	}

	/**
	 * Whether the shared connection is connected now (opening it when nothing opened it yet):
	 * questions that would wait for an answer are asked only while Redis is there.
	 * @return {@code true} when connected
	 */
	public boolean connected() {
		RedisClusterAsyncCommands<String, String> commands;
		try {
			commands = shared();
		}
		catch (RuntimeException ex) {
			return false;
		}
		StatefulConnection<String, ?> connection = this.opened.get(commands);
		return connection != null && connection.isOpen();
	}

	/**
	 * Closes a connection {@link #dedicated()} opened, once its user is done with it.
	 * @param commands the connection's commands
	 */
	public void release(RedisClusterAsyncCommands<String, ?> commands) {
		StatefulConnection<String, ?> connection = this.opened.remove(commands);
		if (connection != null && connection.isOpen()) {
			connection.closeAsync();
		}
	}

	@Override
	public void close() {
		// The application's client may have shut down first and closed them already.
		this.opened.values().stream().filter(StatefulConnection::isOpen).forEach(StatefulConnection::closeAsync);
		this.opened.clear();
	}

}
