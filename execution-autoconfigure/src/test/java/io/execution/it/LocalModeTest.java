package io.execution.it;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.RemoteExecutionException;
import io.execution.it.Lab.Line;
import io.execution.it.Lab.Order;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With no configuration, a service the application has runs locally, through the dispatcher.
 */
@SpringBootTest(classes = LabApplication.class, properties = "execution.endpoints.lab.timeout=2s")
class LocalModeTest {

	@Autowired
	Lab lab;

	@Autowired
	LabService service;

	@Test
	void injectsTheClientNotTheImplementation() {
		assertThat(Proxy.isProxyClass(this.lab.getClass())).isTrue();
		assertThat(this.lab.toString()).contains("lab");
	}

	@Test
	void runsSyncCallsOnTheCallersThread() {
		assertThat(this.lab.add(2, 3)).isEqualTo(5);
		assertThat(this.lab.thread()).isEqualTo(Thread.currentThread().getName());
	}

	@Test
	void passesReferencesWithoutSerialising() {
		Order order = new Order("o-1", List.of(new Line("a", 2, 1.5)), 0);
		Order priced = this.lab.price(order);
		assertThat(priced.total()).isEqualTo(3.0);
		assertThat(priced.lines()).isSameAs(order.lines());
	}

	@Test
	void runsVoidAndAsyncCalls() throws Exception {
		this.lab.record("local-void");
		assertThat(this.service.events).contains("local-void");
		CompletableFuture<String> future = this.lab.echoAsync("hello");
		assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
		assertThat(this.lab.count(List.of("a", "b", "a"))).isEqualTo(Map.of("a", 2, "b", 1));
	}

	@Test
	void aFutureMethodThatWorksBeforeReturningItsFutureNeitherBlocksTheCallerNorOutlivesItsDeadline() {
		// LabService.sleepAsync sleeps, then returns a completed future.
		long start = System.nanoTime();
		CompletableFuture<String> future = this.lab.sleepAsync(5_000);
		long returned = System.nanoTime() - start;
		assertThat(TimeUnit.NANOSECONDS.toMillis(returned)).isLessThan(1_000);
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).cause()
			.isInstanceOf(io.execution.ExecutionTimeoutException.class)
			.hasMessageContaining("execution.endpoints.lab.timeout");
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
	}

	@Test
	void wrapsTheServicesExceptionWithItsTypeAndMessage() {
		assertThatThrownBy(() -> this.lab.fail("boom")).isInstanceOfSatisfying(RemoteExecutionException.class, (ex) -> {
			assertThat(ex.getRemoteType()).isEqualTo(IllegalStateException.class.getName());
			assertThat(ex.getRemoteMessage()).isEqualTo("boom");
			assertThat(ex.getCause()).isInstanceOf(IllegalStateException.class);
		});
	}

	@Test
	void aSynchronousCallPastItsDeadlineTimesOutAndItsMethodIsInterrupted() {
		int before = this.service.interrupted.get();
		long start = System.nanoTime();
		// The method runs on the caller's thread; the deadline (2 s here) holds all the same.
		assertThatThrownBy(() -> this.lab.sleep(30_000)).isInstanceOf(io.execution.ExecutionTimeoutException.class)
			.hasMessageContaining("execution.endpoints.lab.timeout");
		long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(took).isGreaterThanOrEqualTo(1_900).isLessThan(10_000);
		assertThat(this.service.interrupted.get()).isEqualTo(before + 1);
		// The interrupt was the deadline's, not the caller's: the caller's thread is not left interrupted.
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(this.lab.add(1, 1)).isEqualTo(2);
	}

	@Test
	void interruptingTheCallerReachesALocalMethod() throws Exception {
		int before = this.service.interrupted.get();
		Thread caller = new Thread(() -> this.lab.sleep(30_000));
		this.service.sleeping = new java.util.concurrent.CountDownLatch(1);
		caller.start();
		assertThat(this.service.sleeping.await(5, TimeUnit.SECONDS)).isTrue();
		caller.interrupt();
		caller.join(5_000);
		assertThat(caller.isAlive()).isFalse();
		assertThat(this.service.interrupted.get()).isEqualTo(before + 1);
	}

}
