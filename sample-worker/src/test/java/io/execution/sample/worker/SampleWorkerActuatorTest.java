package io.execution.sample.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample worker's Actuator, as the docs list it: the endpoints they name are exposed, the
 * health of Execution's parts is reachable, and a drain's answer, the pools and readiness agree.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleWorkerActuatorTest {

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> send(String method, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theDocumentedEndpointsAnswerAndADrainAgreesWithThePoolsAndReadiness() throws Exception {
		String links = send("GET", "/actuator").body();
		for (String endpoint : new String[] { "health", "info", "execution", "executions", "deadletters", "metrics",
				"console" }) {
			assertThat(links).as(endpoint).contains("\"" + endpoint + "\"");
		}
		assertThat(send("GET", "/actuator/health/execution").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/executions").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/info").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/health/readiness").body()).contains("\"UP\"");

		HttpResponse<String> drained = send("POST", "/actuator/execution/drain");
		assertThat(drained.statusCode()).isEqualTo(200);
		assertThat(drained.body()).contains("\"draining\":true").contains("\"accepting\":false")
			.doesNotContain("\"accepting\":true");
		HttpResponse<String> readiness = send("GET", "/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).contains("OUT_OF_SERVICE");

		HttpResponse<String> resumed = send("POST", "/actuator/execution/resume");
		assertThat(resumed.body()).contains("\"draining\":false").doesNotContain("\"accepting\":false");
		assertThat(send("GET", "/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

}
