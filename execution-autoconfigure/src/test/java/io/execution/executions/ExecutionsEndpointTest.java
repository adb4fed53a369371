package io.execution.executions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code executions} Actuator endpoint: records listed and filtered over HTTP, one read by
 * id, one cancelled; a bad filter is a 400 naming what to write.
 */
class ExecutionsEndpointTest {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private JsonNode send(String method, String url, int status) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + url + ": " + response.body()).isEqualTo(status);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	@Test
	void listedFilteredReadAndCancelledOverHttp() throws Exception {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(JobsApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "execution.endpoints.jobs.queue=jobs",
					"execution.worker.enabled=true", "execution.worker.queues=jobs",
					"management.endpoints.web.exposure.include=executions")
			.run()) {
			String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port")
					+ "/actuator/executions";
			Executions executions = app.getBean(Executions.class);
			Jobs jobs = app.getBean(Jobs.class);
			Instant before = Instant.now().minusSeconds(1);
			Execution<Integer> ok = executions.start(() -> jobs.length("four"));
			ok.await(Duration.ofSeconds(10));
			Execution<String> failed = executions.start(() -> jobs.fail("listed over http"));
			assertThatThrownBy(() -> failed.await(Duration.ofSeconds(10))).isInstanceOf(RuntimeException.class);
			Execution<Void> later = executions.startAfter(Duration.ofMinutes(5), () -> jobs.touch("later-" + UUID.randomUUID()));

			JsonNode all = send("GET", base + "?service=jobs&since=" + before, 200);
			assertThat(all.path("executions")).extracting((record) -> record.path("id").asString())
				.startsWith(later.id(), failed.id(), ok.id());
			JsonNode onlyFailed = send("GET", base + "?status=failed&limit=10", 200);
			assertThat(onlyFailed.path("executions")).extracting((record) -> record.path("id").asString())
				.contains(failed.id())
				.doesNotContain(ok.id());
			assertThat(send("GET", base + "/" + ok.id(), 200).path("result").asInt()).isEqualTo(4);
			send("GET", base + "/no-such-execution", 404);
			send("GET", base + "?status=LOST", 400);
			send("GET", base + "?since=yesterday", 400);

			assertThat(send("DELETE", base + "/" + later.id(), 200).path("cancelled").asBoolean()).isTrue();
			assertThat(later.status()).isEqualTo(ExecutionStatus.CANCELLED);
			assertThat(send("DELETE", base + "/" + ok.id(), 200).path("cancelled").asBoolean()).isFalse();
		}
	}

}
