package io.execution.sample.orchestrator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented {@code console} profile: the console, and beside it the Actuator endpoints the
 * docs list, with Execution's part of the health reachable.
 */
class ConsoleProfileTest {

	@Test
	void servesTheConsoleAndTheDocumentedEndpoints() throws Exception {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleOrchestratorApplication.class)
			.run("--spring.profiles.active=console", "--server.port=0", "--demo.calls=10", "--demo.job-up-to=0",
					"--demo.repeat=false")) {
			String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newHttpClient();
			String links = get(http, base + "/actuator").body();
			for (String endpoint : new String[] { "health", "info", "execution", "executions", "deadletters",
					"console" }) {
				assertThat(links).as(endpoint).contains("\"" + endpoint + "\"");
			}
			HttpResponse<String> health = get(http, base + "/actuator/health/execution");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"queues\"");
			assertThat(get(http, base + "/actuator/console").statusCode()).isEqualTo(200);
			// The console profile's recurring call, with its next due time.
			assertThat(get(http, base + "/actuator/execution/recurring/stocktake").body())
				.contains("\"recurrence\":\"cron '0 * * * * *'").contains("\"nextDueAt\"");
			assertThat(get(http, base + "/actuator/health/readiness").statusCode()).isEqualTo(200);
		}
	}

	private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
