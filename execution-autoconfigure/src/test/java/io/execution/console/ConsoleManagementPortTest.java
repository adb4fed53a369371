package io.execution.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.execution.lanes.GradedApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console lives where the other Actuator endpoints do: on {@code management.server.port}
 * when one is set (so the management network and security apply), never on the application's
 * own port; and not at all unless switched on.
 */
class ConsoleManagementPortTest {

	private static HttpResponse<String> get(String url) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ConfigurableApplicationContext run(String... more) {
		return new SpringApplicationBuilder(GradedApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "management.endpoints.web.exposure.include=*",
					"execution.endpoints.graded.queue=graded", "execution.worker.enabled=true",
					"execution.worker.queues=graded")
			.properties(more)
			.run();
	}

	@Test
	void onTheManagementPortOnly() throws Exception {
		try (ConfigurableApplicationContext app = run("management.server.port=0", "execution.console.enabled=true")) {
			String management = "http://localhost:" + app.getEnvironment().getProperty("local.management.port");
			String server = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> page = get(management + "/actuator/console");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
			assertThat(page.body()).contains("'console.js'");
			// With a trailing slash, as people type it: sent to the page.
			HttpResponse<String> slash = get(management + "/actuator/console/");
			assertThat(slash.statusCode()).isEqualTo(302);
			assertThat(slash.headers().firstValue("Location")).hasValueSatisfying((to) -> assertThat(to).endsWith("/actuator/console"));
			assertThat(get(management + "/actuator/console/console.js").body()).contains("data-ready");
			assertThat(get(management + "/actuator/console/snapshot").body()).contains("\"endpoints\"");
			assertThat(get(management + "/actuator/console/nothing").statusCode()).isEqualTo(404);
			assertThat(get(server + "/actuator/console").statusCode()).isEqualTo(404);
			assertThat(get(server + "/actuator/console/").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void offUnlessSwitchedOn() throws Exception {
		try (ConfigurableApplicationContext app = run()) {
			String server = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
			assertThat(get(server + "/actuator/console").statusCode()).isEqualTo(404);
			assertThat(get(server + "/actuator/execution").statusCode()).isEqualTo(200);
		}
	}

}
