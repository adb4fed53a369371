package io.execution.ops;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.execution.httpit.caller.Billing;
import io.execution.httpit.worker.WorkerApplication;
import io.execution.it.Lab;
import io.execution.redis.TestRedis;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What an operator reads over HTTP from {@code /actuator/health} and {@code /actuator/execution}
 * on a running application with a Redis worker pool and an http endpoint, checked against what
 * the test did.
 */
class ActuatorTest {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private JsonNode get(String base, String path, int status) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	private JsonNode post(String base, String path, int status) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base + path))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	@Test
	void healthAndTheExecutionEndpointShowWhatHappened() throws Exception {
		int workerPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			workerPort = socket.getLocalPort();
		}
		ConfigurableApplicationContext billingWorker = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=" + workerPort, "execution.http.server.enabled=true", "test.instance=w",
					"spring.main.banner-mode=off")
			.run();
		String prefix = "ops" + Long.toHexString(System.nanoTime());
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(OpsApplication.class)
			.properties(TestRedis.shared().properties())
			.properties("server.port=0", "spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + prefix, "execution.endpoints.lab.queue=lab",
					"execution.endpoints.billing.urls=http://localhost:" + workerPort,
					"execution.endpoints.billing.retry.max-attempts=2", "execution.endpoints.billing.retry.initial-backoff=1ms", "execution.http.health-check.interval=0",
					"execution.worker.enabled=true", "execution.worker.queues=lab", "execution.worker.concurrency=2",
					"execution.worker.heartbeat-interval=500ms",
					"management.endpoints.web.exposure.include=health,execution,metrics,info",
					"management.endpoint.health.show-details=always",
					"management.endpoint.health.group.calls.include=execution/endpoints/billing")
			.run()) {
			String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port") + "/actuator";
			Lab lab = app.getBean(Lab.class);
			Billing billing = app.getBean(Billing.class);
			for (int i = 0; i < 7; i++) {
				assertThat(lab.echo("e" + i)).isEqualTo("e" + i);
			}
			for (int i = 0; i < 3; i++) {
				assertThat(billing.quote("q")).isEqualTo("w");
			}

			JsonNode execution = get(base, "/execution", 200);
			JsonNode labEndpoint = execution.path("endpoints").path("lab");
			assertThat(labEndpoint.path("mode").asString()).isEqualTo("queue");
			assertThat(labEndpoint.path("queue").asString()).isEqualTo("lab");
			assertThat(labEndpoint.path("statistics").path("calls").asLong()).isEqualTo(7);
			assertThat(labEndpoint.path("statistics").path("successRate").asDouble()).isEqualTo(1.0);
			JsonNode billingEndpoint = execution.path("endpoints").path("billing");
			assertThat(billingEndpoint.path("mode").asString()).isEqualTo("http");
			assertThat(billingEndpoint.path("statistics").path("calls").asLong()).isEqualTo(3);
			// What it served: its own pool ran the 7 lab calls; the billing worker served the 3 over HTTP.
			assertThat(execution.path("served").path("lab").path("calls").asLong()).isEqualTo(7);
			// One count model everywhere: by outcome, for what it called, what it served and its pool.
			assertThat(labEndpoint.path("statistics").path("outcomes").path("succeeded").asLong()).isEqualTo(7);
			assertThat(execution.path("served").path("lab").path("outcomes").path("succeeded").asLong()).isEqualTo(7);
			assertThat(execution.path("served").has("billing")).isFalse();
			assertThat(billingWorker.getBean(io.execution.core.CallStatistics.class).served().get("billing").calls())
				.isEqualTo(3);
			String url = "http://localhost:" + workerPort + "/execution";
			assertThat(billingEndpoint.path("urls").path(url).path("circuit").asString()).isEqualTo("CLOSED");
			assertThat(execution.path("queues").path("lab").path("backend").asString()).isEqualTo("redis");
			assertThat(execution.path("queues").path("lab").path("depth").asLong()).isZero();
			// The pool's own counts and latency, as its heartbeats carry them: the 7 lab calls it ran.
			await().atMost(Duration.ofSeconds(15))
				.until(() -> get(base, "/execution", 200).path("workers").size() == 1 && get(base, "/execution", 200)
					.path("workers").get(0).path("pools").get(0).path("completed").asLong() == 7);
			JsonNode worker = get(base, "/execution", 200).path("workers").get(0);
			JsonNode pool = worker.path("pools").get(0);
			assertThat(pool.path("queue").asString()).isEqualTo("lab");
			assertThat(pool.path("failed").asLong()).isZero();
			assertThat(pool.path("successRate").asDouble()).isEqualTo(1.0);
			assertThat(pool.path("outcomes").path("succeeded").asLong()).isEqualTo(7);
			assertThat(pool.path("p50Millis").asDouble()).isPositive();
			assertThat(pool.path("p99Millis").asDouble()).isGreaterThanOrEqualTo(pool.path("p50Millis").asDouble());
			assertThat(worker.path("stale").asBoolean()).isFalse();
			assertThat(worker.path("services").findValuesAsString("name")).contains("lab");
			assertThat(get(base, "/execution", 200).path("executions").path("store").asString()).isEqualTo("redis");

			assertThat(get(base, "/execution/lab", 200).path("statistics").path("calls").asLong()).isEqualTo(7);
			get(base, "/execution/no-such-endpoint", 404);

			JsonNode health = get(base, "/health", 200);
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode parts = health.path("components").path("execution").path("components");
			assertThat(parts.path("endpoints").path("components").path("billing").path("details").path("circuit").asString())
				.isEqualTo("CLOSED");
			assertThat(parts.path("queues").path("components").path("lab").path("details").path("liveWorkers").asInt())
				.isEqualTo(1);
			// Each part is a contributor of its own, which a health group can take alone.
			JsonNode group = get(base, "/health/calls", 200);
			assertThat(group.path("status").asString()).isEqualTo("UP");
			assertThat(group.path("components").path("execution").path("components").path("endpoints").path("components")
				.has("billing")).isTrue();
			assertThat(group.path("components").path("execution").path("components").has("queues")).isFalse();

			// Drain and resume are the endpoint's write operations, on the management port.
			JsonNode drained = post(base, "/execution/drain", 200);
			assertThat(drained.path("draining").asBoolean()).isTrue();
			assertThat(app.getBean(io.execution.worker.WorkerPools.class).isDraining()).isTrue();
			assertThat(post(base, "/execution/resume", 200).path("draining").asBoolean()).isFalse();
			post(base, "/execution/restart", 400);
			assertThat(lab.echo("after resume")).isEqualTo("after resume");
			JsonNode info = get(base, "/info", 200).path("execution");
			assertThat(info.path("endpoints").path("lab").asString()).isEqualTo("queue");
			assertThat(info.path("queueBackend").asString()).isEqualTo("redis");
			assertThat(info.path("workerQueues").get(0).asString()).isEqualTo("lab");

			JsonNode timer = get(base, "/metrics/execution.invocations?tag=service:lab&tag=outcome:success", 200);
			// The 7 calls, and the one after the pools resumed.
			assertThat(timer.path("measurements").get(0).path("value").asDouble()).isEqualTo(8.0);

			// A stopped URL: its breaker opens, and shows, without taking the application DOWN.
			billingWorker.close();
			for (int i = 0; i < 5; i++) {
				assertThatThrownBy(() -> billing.quote("q")).isInstanceOf(io.execution.ExecutionException.class);
			}
			JsonNode after = get(base, "/execution/billing", 200);
			assertThat(after.path("urls").path(url).path("circuit").asString()).isEqualTo("OPEN");
			assertThat(after.path("statistics").path("failures").asLong()).isEqualTo(5);
			assertThat(get(base, "/health", 200).path("status").asString()).isEqualTo("UP");
			JsonNode retries = get(base, "/metrics/execution.retries?tag=endpoint:billing", 200);
			assertThat(retries.path("measurements").get(0).path("value").asDouble()).isEqualTo(5.0);
		}
		finally {
			billingWorker.close();
		}
	}

}
