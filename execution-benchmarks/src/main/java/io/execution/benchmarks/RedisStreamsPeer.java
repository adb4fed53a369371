package io.execution.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.lettuce.core.Consumer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The {@code redis-streams} peer: a work queue on Redis Streams as a competent user writes it
 * with Lettuce, with nothing of Execution. Callers {@code XADD} the request (its id, the payload
 * and the caller's reply list) on one shared connection and wait on their own reply list with
 * {@code BLPOP}; {@code --workers} × 8 worker threads each read with a blocking
 * {@code XREADGROUP … COUNT 1} on a connection of their own, run {@link EchoService}, push the
 * answer and {@code XACK}. No leases, take-over, deadlines, batching or dead letters: the floor
 * a queue on Redis costs.
 */
final class RedisStreamsPeer implements AutoCloseable {

	private final RedisClient client;

	private final String stream = "bench-streams-" + Long.toHexString(System.nanoTime());

	private final StatefulRedisConnection<String, String> shared;

	private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

	private final ExecutorService workers;

	private volatile boolean open = true;

	private final ThreadLocal<Caller> callers;

	RedisStreamsPeer(int redisPort, int workerThreads) {
		this.client = RedisClient.create("redis://127.0.0.1:" + redisPort);
		this.shared = this.client.connect();
		this.shared.sync()
			.xgroupCreate(XReadArgs.StreamOffset.from(this.stream, "0"), "workers", XGroupCreateArgs.Builder.mkstream());
		this.workers = Executors.newFixedThreadPool(workerThreads);
		EchoService service = new EchoService();
		for (int i = 0; i < workerThreads; i++) {
			StatefulRedisConnection<String, String> connection = this.client.connect();
			this.connections.add(connection);
			Consumer<String> consumer = Consumer.from("workers", "worker-" + i);
			this.workers.execute(() -> work(connection.sync(), consumer, service));
		}
		this.callers = ThreadLocal.withInitial(() -> {
			StatefulRedisConnection<String, String> connection = this.client.connect();
			synchronized (this.connections) {
				this.connections.add(connection);
			}
			return new Caller(connection.sync(), "bench-replies-" + UUID.randomUUID());
		});
	}

	private void work(RedisCommands<String, String> redis, Consumer<String> consumer, EchoService service) {
		while (this.open) {
			try {
				List<StreamMessage<String, String>> messages = redis.xreadgroup(consumer,
						XReadArgs.Builder.block(1000).count(1), XReadArgs.StreamOffset.lastConsumed(this.stream));
				for (StreamMessage<String, String> message : messages) {
					Map<String, String> body = message.getBody();
					String answer = service.echo(body.get("payload"));
					redis.lpush(body.get("reply"), body.get("id") + "\n" + answer);
					redis.xack(this.stream, "workers", message.getId());
					redis.xdel(this.stream, message.getId());
				}
			}
			catch (RuntimeException ex) {
				if (this.open) {
					ex.printStackTrace();
				}
			}
		}
	}

	private record Caller(RedisCommands<String, String> redis, String replies) {
	}

	UnaryOperator<String> call() {
		return (payload) -> {
			Caller caller = this.callers.get();
			String id = UUID.randomUUID().toString();
			this.shared.sync().xadd(this.stream, Map.of("id", id, "payload", payload, "reply", caller.replies()));
			KeyValue<String, String> reply = caller.redis().blpop(30, caller.replies());
			String value = reply.getValue();
			return value.substring(value.indexOf('\n') + 1);
		};
	}

	@Override
	public void close() throws InterruptedException {
		this.open = false;
		this.workers.shutdown();
		this.workers.awaitTermination(5, TimeUnit.SECONDS);
		this.shared.sync().del(this.stream);
		this.connections.forEach(StatefulRedisConnection::close);
		this.shared.close();
		this.client.shutdown();
	}

}
