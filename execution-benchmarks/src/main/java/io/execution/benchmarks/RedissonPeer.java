package io.execution.benchmarks;

import java.util.function.UnaryOperator;

import org.redisson.Redisson;
import org.redisson.api.RRemoteService;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The {@code redisson-remote} peer: Redisson's {@code RRemoteService} with the same {@link Echo}
 * interface and service, over the same Redis, with as many executor threads as the redis-queue
 * mode's workers have ({@code --workers} × 8), a server client and a caller client of their own.
 * Redisson's defaults are kept (its default codec, ack timeout and result timeout), as a user
 * would find them.
 */
final class RedissonPeer implements AutoCloseable {

	private final RedissonClient server;

	private final RedissonClient caller;

	private final Echo echo;

	RedissonPeer(int redisPort, int executors) {
		String name = "bench-echo-" + Long.toHexString(System.nanoTime());
		this.server = Redisson.create(config(redisPort));
		RRemoteService service = this.server.getRemoteService(name);
		service.register(Echo.class, new EchoService(), executors);
		this.caller = Redisson.create(config(redisPort));
		this.echo = this.caller.getRemoteService(name).get(Echo.class);
	}

	private static Config config(int redisPort) {
		Config config = new Config();
		config.useSingleServer().setAddress("redis://127.0.0.1:" + redisPort);
		return config;
	}

	UnaryOperator<String> call() {
		return this.echo::echo;
	}

	@Override
	public void close() {
		this.caller.shutdown();
		this.server.shutdown();
	}

}
