package io.execution.sample.orchestrator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo with its embedded defaults: every endpoint's batch runs and the table shows it.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleOrchestratorApplicationTest {

	@Test
	void runsEachEndpointsBatchAndPrintsTheTable(CapturedOutput output) {
		try (var context = new org.springframework.boot.builder.SpringApplicationBuilder(
				SampleOrchestratorApplication.class)
			.run("--demo.calls=60", "--demo.concurrency=4", "--demo.exit=false", "--demo.job-up-to=5000000")) {
			// calls, thrown (the service's own exceptions: answers), failed (by the one outcome model)
			assertThat(output).containsPattern("endpoint\\s+mode\\s+calls\\s+thrown\\s+failed\\s")
				.containsPattern("primes\\s+queue\\s+60\\s+0\\s+0\\s")
				.containsPattern("inventory\\s+queue\\s+60\\s+0\\s+0\\s")
				.containsPattern("payments\\s+local\\s+60\\s+3\\s+0\\s")
				.contains("payments: 3 x java.lang.IllegalStateException")
				.contains("primes: ")
				.doesNotContain("\r")
				// The memory queue needs no Redis: nothing of Spring Data Redis shows.
				.doesNotContain("Spring Data")
				.doesNotContain("Redis repositor")
				.containsPattern("job [0-9a-f-]{36} started: counting primes up to 5,000,000")
				.containsPattern("job [0-9a-f]{8} (PENDING|RUNNING) +[0-9]+%")
				.containsPattern("job [0-9a-f]{8} SUCCEEDED in [0-9]+ ms on .+: 348,513 primes, the largest 4,999,999");
			// The same counts as Actuator and the console read.
			io.execution.core.CallStatistics.Snapshot payments = context.getBean(io.execution.core.CallStatistics.class)
				.of("payments");
			assertThat(payments.calls()).isEqualTo(60);
			assertThat(payments.count(io.execution.core.CallOutcome.SERVICE_EXCEPTION)).isEqualTo(3);
			assertThat(payments.failures()).isZero();
		}
	}


	/**
	 * The console's repeated batches: quiet (the console shows them; no progress line each), and
	 * gone at once when the application closes, even with every call waiting for a worker that
	 * left — not after Boot's 30 s wait for its task executor.
	 */
	@Test
	void repeatedBatchesAreQuietAndStopWhenTheApplicationCloses(CapturedOutput output) {
		var context = new org.springframework.boot.builder.SpringApplicationBuilder(SampleOrchestratorApplication.class)
			.run("--demo.calls=20", "--demo.concurrency=2", "--demo.exit=false", "--demo.job-up-to=0",
					"--demo.repeat=true", "--execution.endpoints.primes.timeout=60s");
		try {
			io.execution.core.CallStatistics statistics = context.getBean(io.execution.core.CallStatistics.class);
			// Three rounds of repeats beyond the first batch.
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(30))
				.until(() -> statistics.of("primes").calls() >= 80);
			assertThat(output.toString().lines().filter((line) -> line.matches("primes: \\d+/\\d+ calls"))).hasSize(1);
			// The workers go: the repeated calls now wait in the queue.
			context.getBean(io.execution.worker.WorkerPools.class).drain();
			long waiting = statistics.of("primes").calls();
			org.awaitility.Awaitility.await()
				.during(java.time.Duration.ofMillis(500))
				.atMost(java.time.Duration.ofSeconds(5))
				.until(() -> statistics.of("primes").calls() == waiting);
		}
		finally {
			long start = System.nanoTime();
			context.close();
			assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
		}
	}

}
