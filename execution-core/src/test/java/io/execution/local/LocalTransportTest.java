package io.execution.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionTimeoutException;
import io.execution.core.ClientMethod;
import io.execution.core.Dispatcher;
import io.execution.core.EndpointDefinition;
import io.execution.core.Endpoints;
import io.execution.core.ExecutionTimer;
import io.execution.service.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A synchronous local call runs on its caller's thread and is held to its deadline as in every
 * mode, without Spring: interrupted then, timed out for the caller even when the method ignores
 * the interrupt, and no interrupt is ever left on the caller's thread after the call.
 */
class LocalTransportTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final ExecutionTimer timer = new ExecutionTimer();

	private final ExecutorService callers = Executors.newFixedThreadPool(4);

	public interface Work {

		String sleep(long millis);

		String spin(long millis);

		String quick(String text);

	}

	public static class WorkService implements Work {

		final AtomicInteger interrupted = new AtomicInteger();

		@Override
		public String sleep(long millis) {
			try {
				Thread.sleep(millis);
				return "slept";
			}
			catch (InterruptedException ex) {
				this.interrupted.incrementAndGet();
				Thread.currentThread().interrupt();
				return "interrupted";
			}
		}

		@Override
		public String spin(long millis) {
			long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
			while (System.nanoTime() - end < 0) {
				Thread.onSpinWait();
			}
			return "spun";
		}

		@Override
		public String quick(String text) {
			return text;
		}

	}

	@AfterEach
	void close() {
		this.callers.shutdownNow();
		this.timer.close();
	}

	private Dispatcher dispatcher(WorkService service, Duration timeout) {
		ServiceRegistry services = new ServiceRegistry(MAPPER);
		services.register("work", service, Work.class);
		LocalTransportFactory local = new LocalTransportFactory(services, MAPPER, this.callers, this.timer.deadlines());
		Endpoints endpoints = new Endpoints(List.of(new EndpointDefinition("work", Endpoints.LOCAL, timeout)),
				List.of(local), services::contains, timeout);
		return new Dispatcher(endpoints, List.of(), io.micrometer.observation.ObservationRegistry.NOOP,
				io.execution.core.ExecutionEvents.NONE, this.timer);
	}

	private static ClientMethod method(String name) throws Exception {
		return ClientMethod.of("work", Work.class.getMethod(name, name.equals("quick") ? String.class : long.class),
				MAPPER, false);
	}

	@Test
	void aCallPastItsDeadlineIsInterruptedAndTimesOut() throws Exception {
		WorkService service = new WorkService();
		Dispatcher dispatcher = dispatcher(service, Duration.ofMillis(200));
		long start = System.nanoTime();
		assertThatThrownBy(() -> dispatcher.call(method("sleep"), new Object[] { 10_000L }))
			.isInstanceOf(ExecutionTimeoutException.class)
			.hasMessageContaining("execution.endpoints.work.timeout");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(5));
		assertThat(service.interrupted).hasValue(1);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void aMethodThatIgnoresTheInterruptStillTimesOutForItsCaller() throws Exception {
		Dispatcher dispatcher = dispatcher(new WorkService(), Duration.ofMillis(100));
		assertThatThrownBy(() -> dispatcher.call(method("spin"), new Object[] { 400L }))
			.isInstanceOf(ExecutionTimeoutException.class);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void callsEndingJustAtTheirDeadlineNeverLeaveAnInterruptBehind() throws Exception {
		WorkService service = new WorkService();
		Dispatcher dispatcher = dispatcher(service, Duration.ofMillis(12));
		ClientMethod spin = method("spin");
		ClientMethod quick = method("quick");
		List<Future<Integer>> runs = new java.util.ArrayList<>();
		for (int caller = 0; caller < 4; caller++) {
			runs.add(this.callers.submit(() -> {
				int stray = 0;
				for (int i = 0; i < 150; i++) {
					try {
						// Ends around its deadline: before or after the watch looks, at random.
						dispatcher.call(spin, new Object[] { 8L + (i % 8) });
					}
					catch (ExecutionTimeoutException ex) {
						// Timed out: fine; what matters is the thread afterwards.
					}
					if (Thread.currentThread().isInterrupted()) {
						stray++;
						Thread.interrupted();
					}
					try {
						// On a busy machine even this may find its 12 ms gone: either way, no interrupt after it.
						assertThat(dispatcher.call(quick, new Object[] { "q" })).isEqualTo("q");
					}
					catch (ExecutionTimeoutException ex) {
						// Timed out before or while it ran.
					}
					if (Thread.currentThread().isInterrupted()) {
						stray++;
						Thread.interrupted();
					}
				}
				return stray;
			}));
		}
		for (Future<Integer> run : runs) {
			assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
		}
	}

}
