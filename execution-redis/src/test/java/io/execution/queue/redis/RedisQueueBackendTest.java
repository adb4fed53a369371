package io.execution.queue.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.redis.RedisConnections;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The caller side of the Redis backend on its own, against a real Redis: requests put on a queue
 * in batches keep the queue's capacity per request, and a request given up while it waited for
 * its batch never reaches the queue.
 */
class RedisQueueBackendTest {

	private RedisClient client;

	private RedisCommands<String, String> redis;

	private RedisConnections connections;

	private RedisQueueBackend backend;

	private final String prefix = "b" + Long.toHexString(System.nanoTime());

	@BeforeEach
	void connect() {
		TestRedis server = TestRedis.shared();
		this.client = RedisClient.create("redis://" + server.host() + ":" + server.port());
		this.redis = this.client.connect().sync();
		this.connections = new RedisConnections(this.client);
		this.backend = new RedisQueueBackend(this.connections, new RedisQueueSettings(this.prefix, 3,
				Duration.ofSeconds(30), 3, Duration.ofHours(1)));
	}

	@AfterEach
	void close() {
		this.backend.close();
		this.connections.close();
		this.client.shutdown();
	}

	private CompletableFuture<Envelope> submit(String id) {
		return this.backend.submit(io.execution.queue.QueuedCall.of("jobs", id, ("{\"v\":1,\"id\":\"" + id + "\"}").getBytes(),
				System.nanoTime() + TimeUnit.SECONDS.toNanos(30), false));
	}

	@Test
	void requestsSentTogetherFillTheQueueToItsCapacityAndTheRestAreRejectedOneByOne() throws Exception {
		// Held by Redis, the first request keeps the next ones waiting for one batch together.
		this.redis.clientPause(300);
		List<CompletableFuture<Envelope>> calls = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			calls.add(submit("call-" + i));
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> calls.stream().filter(CompletableFuture::isCompletedExceptionally).count() == 3);
		assertThat(this.redis.xlen(this.prefix + ":{q:jobs}:requests")).isEqualTo(3);
		for (CompletableFuture<Envelope> rejected : calls.subList(3, 6)) {
			assertThat(rejected).failsWithin(Duration.ZERO)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(ExecutionRejectedException.class)
				.withMessageContaining("execution.queue.capacity");
		}
		assertThat(calls.subList(0, 3)).allMatch((call) -> !call.isDone());
	}

	@Test
	void aCallCancelledWhileItWaitedForItsBatchNeverReachesTheQueue() throws Exception {
		this.redis.clientPause(300);
		CompletableFuture<Envelope> first = submit("first");
		CompletableFuture<Envelope> second = submit("second");
		CompletableFuture<Envelope> third = submit("third");
		second.cancel(true);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.redis.xlen(this.prefix + ":{q:jobs}:requests") == 2);
		assertThat(this.redis.xrange(this.prefix + ":{q:jobs}:requests", io.lettuce.core.Range.create("-", "+")))
			.extracting((entry) -> entry.getBody().get("id"))
			.containsExactly("first", "third");
		assertThat(first).isNotDone();
		assertThat(third).isNotDone();
	}

}
