package io.execution.executions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetters;
import io.execution.redis.TestRedis;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters an operator can handle: a running execution whose worker pool drains past its
 * grace period becomes a dead letter (on the memory backend and on Redis), is listed and
 * inspected through the Actuator endpoint and the HTTP routes, requeued from the Actuator
 * endpoint, and then runs and completes its execution under the same id.
 */
class DeadLettersTest {

	private static final String TOKEN = "dead-letters-token";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(WebApplicationType web, List<String> properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class).web(web)
			.properties("spring.main.banner-mode=off", "execution.endpoints.jobs.queue=jobs",
					"execution.worker.shutdown-grace-period=100ms", "execution.http.auth.token=" + TOKEN)
			.properties(properties.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private static List<String> operator(String... more) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "execution.http.server.enabled=true",
				"management.endpoints.web.exposure.include=deadletters,execution"));
		properties.addAll(List.of(more));
		return properties;
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
	}

	private JsonNode send(String method, String url, String token, int status) throws Exception {
		boolean actuatorWrite = method.equals("POST") && url.contains("/actuator/");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.method(method, actuatorWrite ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
		if (actuatorWrite) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + url + ": " + response.body()).isEqualTo(status);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	@Test
	void onTheMemoryBackend() throws Exception {
		ConfigurableApplicationContext app = run(WebApplicationType.SERVLET,
				operator("execution.worker.enabled=true", "execution.worker.queues=jobs"));
		deadLetterRequeuedAndCompleted(app, app);
	}

	@Test
	void onPostgres() throws Exception {
		try (io.execution.queue.jdbc.TestPostgres postgres = io.execution.queue.jdbc.TestPostgres.start()) {
			List<String> properties = operator(postgres.properties());
			// No pool on this module's classpath (its other applications must not get a DataSource).
			properties.addAll(List.of("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
					"execution.queue.backend=jdbc", "execution.worker.enabled=true", "execution.worker.queues=jobs"));
			ConfigurableApplicationContext app = run(WebApplicationType.SERVLET, properties);
			deadLetterRequeuedAndCompleted(app, app);
			close();
			this.contexts.clear();
		}
	}

	@Test
	void onRedisRequeuedFromAnotherProcess() throws Exception {
		List<String> redis = new ArrayList<>(List.of(TestRedis.shared().properties()));
		redis.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=d" + UUID.randomUUID()));
		List<String> worker = new ArrayList<>(redis);
		worker.addAll(List.of("execution.worker.enabled=true", "execution.worker.queues=jobs"));
		ConfigurableApplicationContext workers = run(WebApplicationType.NONE, worker);
		ConfigurableApplicationContext operator = run(WebApplicationType.SERVLET,
				operator(redis.toArray(String[]::new)));
		deadLetterRequeuedAndCompleted(workers, operator);
	}

	private void deadLetterRequeuedAndCompleted(ConfigurableApplicationContext workers,
			ConfigurableApplicationContext operator) throws Exception {
		String name = "dead-" + UUID.randomUUID();
		Executions executions = operator.getBean(Executions.class);
		Jobs jobs = operator.getBean(Jobs.class);
		// Four running executions: one requeued from the Actuator endpoint, one over the HTTP
		// routes, one deleted, and one purged with its queue's.
		List<String> names = List.of(name, name + "-route", name + "-deleted", name + "-purged");
		List<Execution<String>> started = new ArrayList<>();
		for (String each : names) {
			started.add(executions.start(() -> jobs.work(each, 1)));
			JobsService.awaitStarted(each);
		}
		Execution<String> execution = started.get(0);

		// The pool drains: the running calls outlive the grace period, are interrupted, and are kept.
		WorkerPools pools = workers.getBean(WorkerPools.class);
		pools.drain();
		String actuator = base(operator) + "/actuator/deadletters";
		await().atMost(Duration.ofSeconds(10))
			.until(() -> send("GET", actuator + "/jobs", null, 200).path("deadLetters").size() == 4);
		JsonNode listed = send("GET", actuator + "/jobs", null, 200);
		assertThat(listed.path("count").asLong()).isEqualTo(4);
		java.util.Map<String, String> ids = new java.util.HashMap<>();
		for (JsonNode each : listed.path("deadLetters")) {
			ids.put(each.path("request").asString().replaceAll(".*\"(" + name + "[a-z-]*)\".*", "$1"),
					each.path("id").asString());
		}
		assertThat(ids).containsOnlyKeys(names);
		String id = ids.get(name);
		JsonNode letter = send("GET", actuator + "/jobs/" + id, null, 200);
		assertThat(letter.path("invocationId").asString()).isEqualTo(execution.id());
		assertThat(letter.path("service").asString()).isEqualTo("jobs");
		assertThat(letter.path("method").asString()).isEqualTo("work");
		assertThat(letter.path("execution").asBoolean()).isTrue();
		// The truth of what happened: drained, not shut down.
		assertThat(letter.path("cause").asString())
			.contains("worker pool 'jobs' was drained, and the call outlived the grace period");
		assertThat(letter.path("attempts").asInt()).isEqualTo(1);
		assertThat(letter.path("request").asString()).contains(name);
		assertThat(send("GET", actuator, null, 200).path("queues").path("jobs").asLong()).isEqualTo(4);
		for (Execution<String> each : started) {
			await().atMost(Duration.ofSeconds(10)).until(() -> each.record().status().isFinished());
			assertThat(each.record().status()).isNotEqualTo(ExecutionStatus.SUCCEEDED);
		}

		// The same over the starter's HTTP routes, behind the token.
		String routes = base(operator) + "/execution/v1/dead-letters/jobs";
		send("GET", routes, null, 401);
		assertThat(send("GET", routes, TOKEN, 200).path("count").asLong()).isEqualTo(4);
		send("GET", routes + "/0-1", TOKEN, 404);
		send("GET", routes + "?limit=0", TOKEN, 400);
		send("POST", routes + "/" + ids.get(name + "-route") + "/requeue", null, 401);
		send("DELETE", routes + "/" + ids.get(name + "-deleted"), null, 401);
		send("DELETE", routes, null, 401);

		// Requeued from the Actuator endpoint and over the routes: each runs again, under its own
		// id, and completes.
		pools.resume();
		JobsService.gate(name).release();
		JobsService.gate(name + "-route").release();
		JsonNode requeued = send("POST", actuator + "/jobs/" + id, null, 200);
		assertThat(requeued.path("invocationId").asString()).isEqualTo(execution.id());
		JsonNode routed = send("POST", routes + "/" + ids.get(name + "-route") + "/requeue?timeoutMs=20000", TOKEN, 202);
		assertThat(routed.path("invocationId").asString()).isEqualTo(started.get(1).id());
		assertThat(execution.await(Duration.ofSeconds(20))).isEqualTo(name + " done after 1 steps");
		assertThat(execution.record().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(started.get(1).await(Duration.ofSeconds(20))).isEqualTo(name + "-route done after 1 steps");
		send("GET", actuator + "/jobs/" + id, null, 404);
		send("POST", actuator + "/jobs/" + id, null, 400);
		send("POST", routes + "/" + ids.get(name + "-route") + "/requeue", TOKEN, 404);

		// Deleted over the routes: gone, and a second delete finds nothing; the Actuator's delete
		// says so too.
		send("DELETE", routes + "/" + ids.get(name + "-deleted"), TOKEN, 204);
		send("DELETE", routes + "/" + ids.get(name + "-deleted"), TOKEN, 404);
		assertThat(send("DELETE", actuator + "/jobs/" + ids.get(name + "-deleted"), null, 200).path("deleted")
			.asBoolean()).isFalse();
		assertThat(operator.getBean(DeadLetters.class).list("jobs", 0, 10)).extracting(DeadLetter::id)
			.containsExactly(ids.get(name + "-purged"));

		// Purged over the routes: the real letter is counted and gone.
		assertThat(send("DELETE", routes, TOKEN, 200).path("purged").asLong()).isEqualTo(1);
		assertThat(operator.getBean(DeadLetters.class).list("jobs", 0, 10)).isEmpty();
		assertThat(send("GET", actuator, null, 200).path("queues").path("jobs").asLong()).isZero();
		assertThat(send("DELETE", actuator + "/jobs", null, 200).path("purged").asLong()).isZero();
		assertThat(JobsService.touched).doesNotContain(name + "-deleted", name + "-purged");
	}

	@Test
	void aDeadLetterWhoseRequestCannotBeReadIsRefusedNamingWhyAndKept() throws Exception {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		String prefix = "d" + UUID.randomUUID();
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
				"execution.worker.enabled=true", "execution.worker.queues=jobs"));
		ConfigurableApplicationContext app = run(WebApplicationType.SERVLET,
				operator(properties.toArray(String[]::new)));
		// A producer wrote an entry with neither invocation id nor body straight into the stream.
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient
			.create("redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		try (var connection = client.connect()) {
			connection.sync().xadd(prefix + ":{q:jobs}:requests", java.util.Map.of("reply", "nobody"));
		}
		finally {
			client.shutdown();
		}
		DeadLetters deadLetters = app.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count("jobs") == 1);
		DeadLetter letter = deadLetters.list("jobs", 0, 1).get(0);
		assertThat(letter.cause()).startsWith("malformed entry");

		assertThatThrownBy(() -> deadLetters.requeue("jobs", letter.id(), null))
			.isInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("Dead letter " + letter.id() + " of queue 'jobs' cannot be requeued")
			.hasMessageContaining("malformed entry")
			.hasMessageContaining("delete it");
		String routes = base(app) + "/execution/v1/dead-letters/jobs";
		JsonNode refused = send("POST", routes + "/" + letter.id() + "/requeue", TOKEN, 422);
		assertThat(refused.path("error").asString()).isEqualTo("malformed-dead-letter");
		assertThat(refused.path("message").asString()).contains("cannot be requeued");
		send("POST", base(app) + "/actuator/deadletters/jobs/" + letter.id(), null, 400);
		// Nothing was lost, and nothing was queued.
		assertThat(deadLetters.find("jobs", letter.id())).isPresent();
		assertThat(deadLetters.count("jobs")).isEqualTo(1);
		send("DELETE", routes + "/" + letter.id(), TOKEN, 204);
		assertThat(deadLetters.count("jobs")).isZero();
	}

}
