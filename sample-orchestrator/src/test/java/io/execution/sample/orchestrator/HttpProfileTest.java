package io.execution.sample.orchestrator;

import io.execution.sample.worker.SampleWorkerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented {@code http} profile: two sample-worker instances, the orchestrator calling
 * them over HTTP with a token.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpProfileTest {

	@Test
	void runsTheBatchesOnTwoWorkersOverHttp(CapturedOutput output) {
		try (ConfigurableApplicationContext one = worker(); ConfigurableApplicationContext two = worker()) {
			String workers = url(one) + "," + url(two);
			try (ConfigurableApplicationContext orchestrator = new SpringApplicationBuilder(
					SampleOrchestratorApplication.class)
				.run("--spring.profiles.active=http", "--workers=" + workers, "--execution.http.auth.token=t0k",
						"--demo.calls=40", "--demo.concurrency=4", "--demo.exit=false")) {
				assertThat(output).containsPattern("primes\\s+http\\s+40\\s+0\\s")
					.containsPattern("inventory\\s+http\\s+40\\s+0\\s")
					.containsPattern("payments\\s+http\\s+40\\s+2\\s")
					.contains("payments: 2 x java.lang.IllegalStateException");
			}
		}
	}

	private static ConfigurableApplicationContext worker() {
		// The orchestrator's application.yml shadows the worker's on this classpath: configure it here.
		return new SpringApplicationBuilder(SampleWorkerApplication.class).run("--spring.config.name=none",
				"--server.port=0", "--execution.http.server.enabled=true", "--execution.http.auth.token=t0k",
				"--sample.inventory.latency=1ms");
	}

	private static String url(ConfigurableApplicationContext worker) {
		return "http://localhost:" + worker.getEnvironment().getProperty("local.server.port");
	}

}
