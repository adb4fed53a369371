package io.execution.queue.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batching without waiting: one batch in flight, the rest gathered for the next.
 */
class BatcherTest {

	/** A sender whose batches stay in flight until the test answers them. */
	private static final class Redis {

		final List<List<String>> batches = new CopyOnWriteArrayList<>();

		final ConcurrentLinkedQueue<CompletableFuture<Void>> inFlight = new ConcurrentLinkedQueue<>();

		CompletableFuture<Void> send(List<String> batch) {
			this.batches.add(List.copyOf(batch));
			CompletableFuture<Void> answer = new CompletableFuture<>();
			this.inFlight.add(answer);
			return answer;
		}

		void answer() {
			this.inFlight.remove().complete(null);
		}

	}

	@Test
	void aLoneItemGoesOutAtOnceAndWhatComesMeanwhileGoesInTheNextBatch() {
		Redis redis = new Redis();
		Batcher<String> batcher = new Batcher<>(redis::send, (batch, failure) -> {
		}, 3, String::length, 1000);
		batcher.add("a");
		assertThat(redis.batches).containsExactly(List.of("a"));
		batcher.add("b");
		batcher.add("c");
		batcher.add("d");
		batcher.add("e");
		assertThat(redis.batches).hasSize(1);
		assertThat(batcher.idle()).isFalse();
		redis.answer();
		assertThat(redis.batches).containsExactly(List.of("a"), List.of("b", "c", "d"));
		redis.answer();
		assertThat(redis.batches).last().isEqualTo(List.of("e"));
		redis.answer();
		assertThat(batcher.idle()).isTrue();
	}

	@Test
	void aBatchStopsAtItsByteLimitButAlwaysHoldsOneItem() {
		Redis redis = new Redis();
		Batcher<String> batcher = new Batcher<>(redis::send, (batch, failure) -> {
		}, 10, String::length, 5);
		batcher.add("x");
		batcher.add("12345678");
		batcher.add("abc");
		batcher.add("de");
		redis.answer();
		redis.answer();
		assertThat(redis.batches).containsExactly(List.of("x"), List.of("12345678"), List.of("abc", "de"));
	}

	@Test
	void aBatchTheSenderRefusesIsSettledAndTheNextOnesStillGo() {
		List<String> refused = new ArrayList<>();
		Redis redis = new Redis();
		Batcher<String> batcher = new Batcher<>((batch) -> {
			if (batch.contains("bad")) {
				throw new IllegalStateException("closed");
			}
			return redis.send(batch);
		}, (batch, failure) -> refused.addAll(batch), 10, String::length, 100);
		batcher.add("bad");
		batcher.add("good");
		assertThat(refused).containsExactly("bad");
		assertThat(redis.batches).containsExactly(List.of("good"));
	}

	@Test
	void noItemIsLostOrSentTwiceWhenManyThreadsAddWhileBatchesAnswerOnOtherThreads() throws Exception {
		ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
		ExecutorService io = Executors.newSingleThreadExecutor();
		Batcher<String> batcher = new Batcher<>((batch) -> {
			sent.addAll(batch);
			return CompletableFuture.runAsync(() -> {
			}, io);
		}, (batch, failure) -> {
		}, 64, String::length, 1 << 20);
		ExecutorService callers = Executors.newFixedThreadPool(8);
		CountDownLatch done = new CountDownLatch(8);
		for (int t = 0; t < 8; t++) {
			int thread = t;
			callers.execute(() -> {
				for (int i = 0; i < 5000; i++) {
					batcher.add(thread + ":" + i);
				}
				done.countDown();
			});
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(batcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
		callers.shutdown();
		io.shutdown();
		assertThat(sent).hasSize(40_000).doesNotHaveDuplicates();
	}

}
