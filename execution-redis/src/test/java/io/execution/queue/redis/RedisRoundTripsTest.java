package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.execution.codec.Envelope;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.redis.RedisConnections;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a call costs Redis on a single server (not a Cluster), read from the server's own command
 * counts on a Redis of the test's own: a batch of answers is pushed and acknowledged by one
 * script, with no reply stashed first; replies are popped many at once with one blocking command
 * where Redis has one (7.0 on), and with a blocking pop and a pop of many where it has not.
 */
class RedisRoundTripsTest {

	private static final int CALLS = 40;

	@Test
	void aBatchOfAnswersIsPushedAndAcknowledgedByOneScriptWithNothingStashed() throws Exception {
		try (TestRedis server = TestRedis.startProcess()) {
			Map<String, Long> counts = run(server);
			// The stash (HSET into the answered hash) is what a Cluster needs, where replies live on other nodes.
			assertThat(counts).doesNotContainKey("hset");
			// Per batch of answers one script; per batch of requests one script: never more scripts than calls.
			assertThat(counts.get("evalsha")).isLessThanOrEqualTo(2L * CALLS);
			assertThat(counts.get("rpush")).isLessThanOrEqualTo(CALLS);
			assertThat(counts).doesNotContainKey("eval");
		}
	}

	@Test
	void repliesArePoppedManyAtOnceWithOneBlockingCommandWhereRedisHasIt() throws Exception {
		try (TestRedis server = TestRedis.startProcess()) {
			Map<String, Long> counts = run(server);
			if (version(server) >= 7) {
				assertThat(counts).containsKey("blmpop").doesNotContainKey("blpop").doesNotContainKey("lpop");
			}
			else {
				// Redis 6.2 (the embedded fallback binary): one blocking pop, then a pop of many.
				assertThat(counts).containsKey("blpop").doesNotContainKey("blmpop");
			}
		}
	}

	@Test
	void whereRedisCannotPopManyAtOnceRepliesStillArrive() throws Exception {
		int version;
		try (TestRedis probe = TestRedis.startProcess()) {
			version = version(probe);
		}
		// On Redis 7 the command is taken away, as a server that does not know it.
		String[] withoutBlmpop = (version >= 7) ? new String[] { "--rename-command", "BLMPOP", "" } : new String[0];
		try (TestRedis server = TestRedis.startProcess(withoutBlmpop)) {
			Map<String, Long> counts = run(server);
			assertThat(counts).containsKey("blpop").doesNotContainKey("blmpop");
		}
	}

	@Test
	void requestsAndRepliesReachTheOtherSideAsTheSameBytes() throws Exception {
		try (TestRedis server = TestRedis.startProcess(); Queue queue = Queue.open(server, "bytes", 1)) {
			byte[] request = "\"é 漢字 😀 \\u0000 \\n\"".getBytes(StandardCharsets.UTF_8);
			CompletableFuture<Envelope> call = queue.backend().submit(io.execution.queue.QueuedCall.of("jobs", "id-1", request,
					System.nanoTime() + TimeUnit.SECONDS.toNanos(30), false));
			QueueDelivery delivery = null;
			for (int i = 0; i < 100 && delivery == null; i++) {
				delivery = queue.consumer().take(Duration.ofMillis(100));
			}
			assertThat(delivery).isNotNull();
			assertThat(delivery.request().bytes()).isEqualTo(request);
			byte[] reply = echo(request);
			delivery.reply(Envelope.of(reply));
			assertThat(call.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(reply);
		}
	}

	private static int version(TestRedis server) {
		return withRedis(server, (redis) -> {
			String info = redis.info("server");
			String version = info.lines()
				.filter((line) -> line.startsWith("redis_version:"))
				.findFirst()
				.orElseThrow()
				.substring("redis_version:".length());
			return Integer.parseInt(version.substring(0, version.indexOf('.')));
		});
	}

	private static <T> T withRedis(TestRedis server, Function<RedisCommands<String, String>, T> work) {
		RedisClient client = RedisClient.create("redis://" + server.host() + ":" + server.port());
		try (var connection = client.connect()) {
			return work.apply(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Runs {@link #CALLS} calls through a queue, answered by a worker thread, and returns the
	 * commands Redis ran meanwhile, by name, with their counts.
	 */
	private static Map<String, Long> run(TestRedis server) throws Exception {
		try (Queue queue = Queue.open(server, "rt", 4)) {
			// The first call makes the group, the reply reader and the scripts; counted from the next.
			answerUntilDone(queue.consumer(), List.of(submit(queue.backend(), "warm")));
			withRedis(server, RedisCommands::configResetstat);
			List<CompletableFuture<Envelope>> calls = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				calls.add(submit(queue.backend(), "call-" + i));
			}
			answerUntilDone(queue.consumer(), calls);
			for (int i = 0; i < CALLS; i++) {
				assertThat(new String(calls.get(i).get(10, TimeUnit.SECONDS).bytes(), StandardCharsets.UTF_8))
					.contains("call-" + i);
			}
			return withRedis(server, (redis) -> commandCounts(redis.info("commandstats")));
		}
	}

	/** A queue {@code jobs} on the server, with its backend and a consumer, closed together. */
	private record Queue(RedisClient client, RedisConnections connections, RedisQueueBackend backend,
			QueueConsumer consumer) implements AutoCloseable {

		static Queue open(TestRedis server, String prefix, int concurrency) {
			RedisClient client = RedisClient.create("redis://" + server.host() + ":" + server.port());
			RedisConnections connections = new RedisConnections(client);
			RedisQueueBackend backend = new RedisQueueBackend(connections,
					new RedisQueueSettings(prefix, 1000, Duration.ofSeconds(30), 3, Duration.ofHours(1)));
			return new Queue(client, connections, backend, backend.consumer("jobs", concurrency));
		}

		@Override
		public void close() {
			this.consumer.close();
			this.backend.close();
			this.connections.close();
			this.client.shutdown();
		}

	}

	/** A worker's answer: the request, echoed as the result. */
	private static byte[] echo(byte[] request) {
		return ("{\"v\":1,\"ok\":true,\"result\":" + new String(request, StandardCharsets.UTF_8) + "}")
			.getBytes(StandardCharsets.UTF_8);
	}

	/** Works as a worker on this thread: echoes each request taken until the calls have their answers. */
	private static void answerUntilDone(QueueConsumer consumer, List<CompletableFuture<Envelope>> calls)
			throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!calls.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() - end < 0) {
			QueueDelivery delivery = consumer.take(Duration.ofMillis(100));
			if (delivery != null) {
				delivery.reply(Envelope.of(echo(delivery.request().bytes())));
			}
		}
	}

	private static CompletableFuture<Envelope> submit(RedisQueueBackend backend, String id) {
		return backend.submit(io.execution.queue.QueuedCall.of("jobs", id, ("\"" + id + "\"").getBytes(StandardCharsets.UTF_8),
				System.nanoTime() + TimeUnit.SECONDS.toNanos(30), false));
	}

	/** {@code cmdstat_evalsha:calls=12,usec=…} lines, as command name and calls. */
	private static Map<String, Long> commandCounts(String info) {
		Map<String, Long> counts = new java.util.HashMap<>();
		info.lines().filter((line) -> line.startsWith("cmdstat_")).forEach((line) -> {
			String name = line.substring("cmdstat_".length(), line.indexOf(':'));
			String calls = line.substring(line.indexOf("calls=") + "calls=".length());
			counts.put(name, Long.parseLong(calls.substring(0, calls.indexOf(','))));
		});
		return counts;
	}

}
