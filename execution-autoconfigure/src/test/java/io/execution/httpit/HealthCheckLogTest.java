package io.execution.httpit;

import java.time.Duration;

import io.execution.httpit.caller.Billing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What health checks log: an instance never seen up (not started yet, or a URL to correct) is
 * said once at INFO with the reason in words; one that was up and went down is a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class HealthCheckLogTest {

	@Test
	void anInstanceNotUpYetIsNoWarningAndOneThatWentDownIs(CapturedOutput output) {
		String dead = HttpModeTest.deadUrl() + "/execution";
		ConfigurableApplicationContext worker = HttpModeTest.worker("health-log", 0);
		String up = HttpModeTest.url(worker) + "/execution";
		try (ConfigurableApplicationContext caller = HttpModeTest.caller(
				"execution.endpoints.billing.urls=" + dead.replace("/execution", "") + "," + up.replace("/execution", ""))) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> output.toString().contains("Endpoint 'billing': " + dead + " does not answer its health check yet"
						+ " (connection refused (nothing listens at localhost:"));
			Billing billing = caller.getBean(Billing.class);
			assertThat(billing.quote("tea")).isNotNull();
			assertThat(lines(output, dead)).noneMatch((line) -> line.contains(" WARN "));

			worker.close();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> lines(output, up).stream()
					.anyMatch((line) -> line.contains(" WARN ") && line.contains("failed its health check (connection refused")));
		}
		finally {
			worker.close();
		}
	}

	private static java.util.List<String> lines(CapturedOutput output, String url) {
		return output.toString().lines().filter((line) -> line.contains("Endpoint 'billing': " + url + " ")).toList();
	}

}
