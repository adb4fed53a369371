package io.execution.it;

import java.time.Duration;

import io.execution.CircuitOpenException;
import io.execution.ExecutionTimeoutException;
import io.execution.core.Endpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A queue endpoint has a circuit breaker too: a queue whose workers keep failing the endpoint
 * (here, never answering in time) is refused at once after a run of failures, and a probe goes
 * through once the breaker's open time is over.
 */
@SpringBootTest(classes = LabApplication.class, properties = { "execution.endpoints.lab.mode=queue",
		"execution.endpoints.lab.queue=breaker-pool", "execution.endpoints.lab.timeout=1s",
		"execution.worker.enabled=true", "execution.worker.queues=breaker-pool", "execution.worker.concurrency=4",
		"execution.circuit-breaker.failure-threshold=3", "execution.circuit-breaker.open-duration=1s" })
class QueueBreakerTest {

	@Autowired
	Lab lab;

	@Autowired
	LabService service;

	@Autowired
	Endpoints endpoints;

	@Test
	void aQueueEndpointsBreakerOpensAfterItsFailuresAndLetsAProbeThroughLater() {
		for (int i = 0; i < 3; i++) {
			assertThatThrownBy(() -> this.lab.sleep(10_000)).isInstanceOf(ExecutionTimeoutException.class);
		}
		long start = System.nanoTime();
		assertThatThrownBy(() -> this.lab.echo("refused")).isInstanceOf(CircuitOpenException.class)
			.hasMessageContaining("'lab'");
		// Refused before it was queued: no worker ever sees it, and the caller did not wait for its deadline.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
		assertThat(this.service.echoes()).doesNotContain("refused");
		assertThat(this.endpoints.resolve("lab").describe()).containsEntry("circuit", "OPEN");
		// Once the open time is over, one probe goes through; its answer closes the breaker.
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(CircuitOpenException.class)
			.until(() -> "probe".equals(this.lab.echo("probe")));
		assertThat(this.endpoints.resolve("lab").describe()).containsEntry("circuit", "CLOSED");
		assertThat(this.lab.echo("after")).isEqualTo("after");
	}

	@Test
	void aServiceExceptionIsAnAnswerAndNeverOpensTheBreaker() {
		for (int i = 0; i < 5; i++) {
			assertThatThrownBy(() -> this.lab.fail("no")).isInstanceOf(io.execution.RemoteExecutionException.class);
		}
		assertThat(this.lab.echo("still")).isEqualTo("still");
	}

}
