package io.execution.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full queue rejects at once; a closing application lets running calls finish within the
 * grace period, interrupts the rest, and leaves no caller hanging.
 */
class QueueLimitsTest {

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(LabApplication.class).web(WebApplicationType.NONE)
			.properties("execution.endpoints.sleeper.mode=queue", "execution.worker.enabled=true",
					"execution.worker.queues=sleeper", "execution.worker.concurrency=1")
			.properties(properties)
			.run();
	}

	@Test
	void aFullQueueRejectsTheCallAtOnce() throws Exception {
		try (ConfigurableApplicationContext context = start("execution.queue.capacity=2")) {
			Sleeper sleeper = context.getBean(Sleeper.class);
			SleeperService service = context.getBean(SleeperService.class);
			CompletableFuture<String> running = sleeper.hold();
			assertThat(service.holding.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> first = sleeper.stamp("1");
			CompletableFuture<String> second = sleeper.stamp("2");
			CompletableFuture<String> third = sleeper.stamp("3");
			assertThat(third).isCompletedExceptionally();
			assertThatThrownBy(third::join).hasCauseInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("execution.queue.capacity");
			assertThatThrownBy(() -> sleeper.sleep(1)).isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("'sleeper' is full");
			service.gate.countDown();
			assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("released");
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("1");
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("2");
			assertThat(service.stamps).containsExactly("1", "2");
		}
	}

	@Test
	void shutdownFinishesWhatItCanAndFailsTheRestClearly() throws Exception {
		ConfigurableApplicationContext context = start("execution.worker.concurrency=2",
				"execution.worker.shutdown-grace-period=1s");
		Sleeper sleeper = context.getBean(Sleeper.class);
		SleeperService service = context.getBean(SleeperService.class);
		CompletableFuture<String> quick = sleeper.sleepAsync(400);
		CompletableFuture<String> slow = sleeper.sleepAsync(30_000);
		assertThat(service.running.tryAcquire(2, 5, TimeUnit.SECONDS)).isTrue();
		List<CompletableFuture<String>> waiting = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			waiting.add(sleeper.stamp("waiting-" + i));
		}
		org.springframework.boot.availability.ApplicationAvailability availability = context
			.getBean(org.springframework.boot.availability.ApplicationAvailability.class);
		assertThat(availability.getReadinessState())
			.isEqualTo(org.springframework.boot.availability.ReadinessState.ACCEPTING_TRAFFIC);
		long start = System.nanoTime();
		context.close();
		assertThat(availability.getReadinessState())
			.isEqualTo(org.springframework.boot.availability.ReadinessState.REFUSING_TRAFFIC);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
		assertThat(quick.get(1, TimeUnit.SECONDS)).isEqualTo("slept 400");
		assertThatThrownBy(() -> slow.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(ExecutionCancelledException.class)
			.hasMessageContaining("execution.worker.shutdown-grace-period");
		assertThat(service.interrupted.get()).isEqualTo(1);
		for (CompletableFuture<String> call : waiting) {
			assertThatThrownBy(() -> call.get(1, TimeUnit.SECONDS)).cause()
				.isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("shutting down");
		}
		assertThatThrownBy(() -> sleeper.sleep(1)).isInstanceOf(ExecutionRejectedException.class);
	}

	@Test
	void aHeldWorkerDoesNotStopTheOthersFromFinishing() throws Exception {
		try (ConfigurableApplicationContext context = start("execution.worker.concurrency=2")) {
			Sleeper sleeper = context.getBean(Sleeper.class);
			SleeperService service = context.getBean(SleeperService.class);
			service.gate = new CountDownLatch(1);
			CompletableFuture<String> held = sleeper.hold();
			assertThat(service.holding.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
			for (int i = 0; i < 20; i++) {
				assertThat(sleeper.stamp("s" + i).get(5, TimeUnit.SECONDS)).isEqualTo("s" + i);
			}
			service.gate.countDown();
			assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("released");
		}
	}

}
