package io.execution.queue;

import io.execution.codec.Envelope;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pause gate: nothing taken while paused, and a call that a take begun before the pause
 * brings in is held, not run, until the queue resumes.
 */
class PausableConsumerTest {

	/** A delivery whose only part the gate reads is its deadline. */
	private static QueueDelivery delivery(long deadlineNanos) {
		return new QueueDelivery() {

			@Override
			public String invocationId() {
				return "held";
			}

			@Override
			public Envelope request() {
				return Envelope.of(new byte[0]);
			}

			@Override
			public long deadlineNanos() {
				return deadlineNanos;
			}

			@Override
			public void onCancel(Runnable listener) {
			}

			@Override
			public void reply(Envelope result) {
			}

		};
	}

	@Test
	void whilePausedNothingIsTaken() throws Exception {
		java.util.concurrent.atomic.AtomicInteger takes = new java.util.concurrent.atomic.AtomicInteger();
		PausableConsumer gate = new PausableConsumer("q", (wait) -> {
			takes.incrementAndGet();
			return delivery(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
		}, () -> true);
		for (int i = 0; i < 3; i++) {
			assertThat(gate.take(Duration.ofMillis(10))).isNull();
		}
		assertThat(takes).hasValue(0);
	}

	/**
	 * A thread that looked before the pause and whose take brings a call in after it (a stall
	 * between the two): the call is held, not run, until the queue resumes.
	 */
	@Test
	void aCallTakenAcrossThePauseWaitsForTheResume() throws Exception {
		AtomicBoolean paused = new AtomicBoolean();
		java.util.concurrent.CountDownLatch inTake = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch arrive = new java.util.concurrent.CountDownLatch(1);
		PausableConsumer gate = new PausableConsumer("q", (wait) -> {
			inTake.countDown();
			arrive.await(10, TimeUnit.SECONDS);
			return delivery(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
		}, paused::get);
		CompletableFuture<QueueDelivery> taken = CompletableFuture.supplyAsync(() -> {
			try {
				return gate.take(Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(inTake.await(10, TimeUnit.SECONDS)).isTrue();
		paused.set(true);
		// Longer than the gate trusts its last look, the take still in the backend meanwhile.
		await().during(Duration.ofMillis(PausableConsumer.REFRESH_MILLIS + 50)).atMost(Duration.ofSeconds(5))
			.until(() -> !taken.isDone());
		arrive.countDown();
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !taken.isDone());
		paused.set(false);
		assertThat(taken.get(5, TimeUnit.SECONDS).invocationId()).isEqualTo("held");
	}

}
