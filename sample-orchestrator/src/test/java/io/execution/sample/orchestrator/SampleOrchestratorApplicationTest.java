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
			assertThat(output).containsPattern("primes\\s+queue\\s+60\\s+0\\s")
				.containsPattern("inventory\\s+queue\\s+60\\s+0\\s")
				.containsPattern("payments\\s+local\\s+60\\s+3\\s")
				.contains("payments: 3 x java.lang.IllegalStateException")
				.contains("primes: ")
				.doesNotContain("\r")
				// The memory queue needs no Redis: nothing of Spring Data Redis shows.
				.doesNotContain("Spring Data")
				.doesNotContain("Redis repositor")
				.containsPattern("job [0-9a-f-]{36} started: counting primes up to 5,000,000")
				.containsPattern("job [0-9a-f]{8} (PENDING|RUNNING) +[0-9]+%")
				.containsPattern("job [0-9a-f]{8} SUCCEEDED in [0-9]+ ms on .+: 348,513 primes, the largest 4,999,999");
		}
	}

}
