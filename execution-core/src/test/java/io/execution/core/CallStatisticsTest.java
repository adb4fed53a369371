package io.execution.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallStatisticsTest {

	private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

	@Test
	void callsAndFailuresAreTheSumsOfTheOutcomes() {
		CallStatistics.Window window = new CallStatistics.Window();
		record(window, 5, MILLI, CallOutcome.SUCCEEDED);
		record(window, 2, MILLI, CallOutcome.SERVICE_EXCEPTION);
		record(window, 3, MILLI, CallOutcome.TIMED_OUT);
		record(window, 1, MILLI, CallOutcome.NEVER_RAN);
		record(window, 4, MILLI, CallOutcome.CANCELLED);

		CallStatistics.Snapshot snapshot = window.snapshot();
		assertThat(snapshot.calls()).isEqualTo(15);
		assertThat(snapshot.failures()).isEqualTo(4).isEqualTo(window.failures());
		assertThat(snapshot.answered()).isEqualTo(7);
		assertThat(snapshot.count(CallOutcome.CANCELLED)).isEqualTo(4).isEqualTo(window.count(CallOutcome.CANCELLED));
		assertThat(snapshot.successRate()).isEqualTo(11 / 15.0);
		assertThat(snapshot.outcomes()).containsEntry("serviceException", 2L).containsEntry("timedOut", 3L);
	}

	@Test
	void theFirstCallsPercentilesAreExact() {
		CallStatistics.Window window = new CallStatistics.Window();
		for (int i = 1; i <= 100; i++) {
			window.record(i * MILLI, CallOutcome.SUCCEEDED);
		}
		CallStatistics.Snapshot snapshot = window.snapshot();
		assertThat(snapshot.p50Millis()).isEqualTo(50.0);
		assertThat(snapshot.p99Millis()).isEqualTo(99.0);
		assertThat(new CallStatistics.Window().snapshot().p50Millis()).isZero();
	}

	@Test
	void percentilesFollowTheRecentCalls() {
		CallStatistics.Window window = new CallStatistics.Window();
		record(window, 20_000, MILLI, CallOutcome.SUCCEEDED);
		// After four windows' worth of slower calls, about 2 % of the kept ones are older.
		record(window, 4096, 5 * MILLI, CallOutcome.SUCCEEDED);
		CallStatistics.Snapshot snapshot = window.snapshot();
		assertThat(snapshot.p50Millis()).isEqualTo(5.0);
		assertThat(snapshot.p99Millis()).isEqualTo(5.0);
		assertThat(snapshot.calls()).isEqualTo(24_096);
	}

	@Test
	void countsNothingTwiceAndLosesNothingAcrossThreads() {
		CallStatistics statistics = new CallStatistics();
		Endpoint endpoint = new Endpoint(new EndpointDefinition("orders", "local", java.time.Duration.ofSeconds(1)), null);
		RuntimeException broken = new IllegalStateException("broken reply");
		CompletableFuture<?>[] threads = new CompletableFuture<?>[4];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 50_000; i++) {
					statistics.finished(endpoint, null, MILLI, (i % 10 == 0) ? broken : null);
				}
			});
		}
		CompletableFuture.allOf(threads).join();
		CallStatistics.Snapshot snapshot = statistics.of("orders");
		assertThat(snapshot.calls()).isEqualTo(200_000);
		assertThat(snapshot.count(CallOutcome.MAY_HAVE_RUN)).isEqualTo(20_000).isEqualTo(snapshot.failures());
		assertThat(snapshot.p99Millis()).isEqualTo(1.0);
	}

	private static void record(CallStatistics.Window window, int calls, long nanos, CallOutcome outcome) {
		for (int i = 0; i < calls; i++) {
			window.record(nanos, outcome);
		}
	}

}
