package io.execution.executions;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.execution.ExecutionRejectedException;
import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
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
 * Executions across processes: records in a real Redis, workers and HTTP instances in
 * application contexts of their own, callers that are closed and started again.
 */
class DistributedExecutionsTest {

	private static final String TOKEN = "executions-token";

	private final TestRedis redis = TestRedis.shared();

	private final String prefix = "x" + UUID.randomUUID();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(WebApplicationType web, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class).web(web)
			.properties(this.redis.properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + this.prefix, "execution.http.auth.token=" + TOKEN)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private ConfigurableApplicationContext worker() {
		return run(WebApplicationType.NONE, "execution.worker.enabled=true", "execution.worker.queues=jobs",
				"execution.worker.concurrency=2");
	}

	private ConfigurableApplicationContext server() {
		return run(WebApplicationType.SERVLET, "server.port=0", "execution.http.server.enabled=true");
	}

	private ConfigurableApplicationContext caller(String mode, ConfigurableApplicationContext server) {
		return switch (mode) {
			case "queue" -> run(WebApplicationType.NONE, "execution.endpoints.jobs.mode=queue");
			case "http" -> run(WebApplicationType.NONE, "execution.endpoints.jobs.mode=http",
					"execution.endpoints.jobs.urls=" + url(server));
			default -> run(WebApplicationType.NONE);
		};
	}

	private static String url(ConfigurableApplicationContext server) {
		return "http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/execution";
	}

	private static String name() {
		return "job-" + UUID.randomUUID();
	}

	@Test
	void aQueuedExecutionOutlivesTheCallerThatStartedIt() throws Exception {
		worker();
		outlivesItsCaller("queue", null);
	}

	@Test
	void anHttpExecutionOutlivesTheCallerThatStartedIt() throws Exception {
		outlivesItsCaller("http", server());
	}

	private void outlivesItsCaller(String mode, ConfigurableApplicationContext server) throws Exception {
		ConfigurableApplicationContext first = caller(mode, server);
		String name = name();
		Jobs jobs = first.getBean(Jobs.class);
		Execution<String> job = first.getBean(Executions.class).start(() -> jobs.work(name, 1));
		JobsService.awaitStarted(name);
		await().until(() -> job.status() == ExecutionStatus.RUNNING);
		first.close();

		JobsService.gate(name).release();
		ConfigurableApplicationContext second = caller(mode, server);
		Execution<Object> found = second.getBean(Executions.class).find(job.id()).orElseThrow();

		assertThat(found.await(Duration.ofSeconds(20))).isEqualTo(name + " done after 1 steps");
		assertThat(found.record().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(found.record().mode()).isEqualTo(mode);
		assertThat(found.record().worker()).isNotBlank();
	}

	@Test
	void aLocalExecutionsResultIsFoundAfterARestart() {
		ConfigurableApplicationContext first = caller("local", null);
		Jobs jobs = first.getBean(Jobs.class);
		Execution<Integer> job = first.getBean(Executions.class).start(() -> jobs.length("restart"));
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(7);
		first.close();

		ConfigurableApplicationContext second = caller("local", null);
		assertThat(second.getBean(Executions.class).find(job.id(), Integer.class).orElseThrow()
			.await(Duration.ofSeconds(1))).isEqualTo(7);
	}

	@Test
	void anotherInstanceCancelsAQueuedExecutionThroughRedis() throws Exception {
		worker();
		ConfigurableApplicationContext starter = caller("queue", null);
		ConfigurableApplicationContext other = caller("queue", null);
		String name = name();
		Jobs jobs = starter.getBean(Jobs.class);
		Execution<String> job = starter.getBean(Executions.class).start(() -> jobs.work(name, 1));
		JobsService.awaitStarted(name);

		assertThat(other.getBean(Executions.class).find(job.id()).orElseThrow().cancel()).isTrue();

		await().atMost(Duration.ofSeconds(10)).until(() -> JobsService.interrupted.contains(name));
		assertThat(job.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void aWaitingQueuedExecutionCancelledFromAnotherInstanceNeverRuns() throws Exception {
		run(WebApplicationType.NONE, "execution.worker.enabled=true", "execution.worker.queues=jobs",
				"execution.worker.concurrency=1");
		ConfigurableApplicationContext starter = caller("queue", null);
		ConfigurableApplicationContext other = caller("queue", null);
		Jobs jobs = starter.getBean(Jobs.class);
		String busy = name();
		String waiting = name();
		Execution<String> first = starter.getBean(Executions.class).start(() -> jobs.work(busy, 1));
		JobsService.awaitStarted(busy);
		Execution<String> second = starter.getBean(Executions.class).start(() -> jobs.work(waiting, 1));
		assertThat(second.status()).isEqualTo(ExecutionStatus.PENDING);

		assertThat(other.getBean(Executions.class).find(second.id()).orElseThrow().cancel()).isTrue();
		JobsService.gate(busy).release();

		assertThat(first.await(Duration.ofSeconds(20))).isEqualTo(busy + " done after 1 steps");
		await().atMost(Duration.ofSeconds(10)).until(() -> second.status() == ExecutionStatus.CANCELLED);
		// The worker took it after the first, found the marker and answered without running it.
		Execution<Integer> after = starter.getBean(Executions.class).start(() -> jobs.length("after"));
		assertThat(after.await(Duration.ofSeconds(20))).isEqualTo(5);
		assertThat(JobsService.started(waiting).getCount()).as("never started").isEqualTo(1);
	}

	@Test
	void anHttpExecutionReportsProgressToItsCallerAndIsCancelledThere() throws Exception {
		ConfigurableApplicationContext server = server();
		ConfigurableApplicationContext caller = caller("http", server);
		String name = name();
		Jobs jobs = caller.getBean(Jobs.class);
		Execution<String> job = caller.getBean(Executions.class).start(() -> jobs.work(name, 2));
		JobsService.awaitStarted(name);
		JobsService.gate(name).release();

		await().atMost(Duration.ofSeconds(20)).until(() -> job.record().progress() != null);
		assertThat(job.record().progress()).isEqualTo(0.5);
		assertThat(job.record().message()).isEqualTo("step 1 of 2");
		assertThat(job.record().location()).startsWith(url(server) + "/v1/executions/");

		assertThat(job.cancel()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> JobsService.interrupted.contains(name));
		assertThat(job.status()).isEqualTo(ExecutionStatus.CANCELLED);
		JsonNode remote = get(job.record().location(), TOKEN);
		assertThat(remote.path("status").stringValue()).isEqualTo("CANCELLED");
	}

	@Test
	void aStatusUrlInRedisThatIsNoConfiguredUrlIsNeverSentTheToken() throws Exception {
		HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		List<String> received = new CopyOnWriteArrayList<>();
		evil.createContext("/", (exchange) -> {
			received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		});
		evil.start();
		RedisClient client = RedisClient.create("redis://" + this.redis.host() + ":" + this.redis.port());
		try {
			ConfigurableApplicationContext server = server();
			ConfigurableApplicationContext first = caller("http", server);
			String name = name();
			Jobs jobs = first.getBean(Jobs.class);
			Execution<String> job = first.getBean(Executions.class).start(() -> jobs.work(name, 1));
			JobsService.awaitStarted(name);
			await().until(() -> job.record().location() != null);
			first.close();
			// Someone who can write to Redis points the record elsewhere.
			String elsewhere = "http://127.0.0.1:" + evil.getAddress().getPort() + "/execution/v1/executions/" + job.id();
			client.connect().sync().hset(this.prefix + ":{x:" + job.id() + "}", "location", elsewhere);
			ConfigurableApplicationContext second = caller("http", server);
			Executions executions = second.getBean(Executions.class);
			assertThat(executions.find(job.id())).isPresent();
			assertThatThrownBy(() -> executions.find(job.id()).orElseThrow().cancel())
				.isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("execution.endpoints.jobs.urls");
			assertThat(received).isEmpty();
			JobsService.gate(name).release();
		}
		finally {
			client.shutdown();
			evil.stop(0);
		}
	}

	@Test
	void theRoutesStartFollowAndCancelExecutions() throws Exception {
		ConfigurableApplicationContext server = server();
		String base = url(server);
		String name = name();

		HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"jobs\",\"method\":\"work\",\"args\":[\"" + name
					+ "\",1]}")));
		assertThat(started.statusCode()).isEqualTo(202);
		JsonNode body = this.json.readTree(started.body());
		String id = body.path("id").stringValue();
		assertThat(started.headers().firstValue("Location")).hasValue("/execution/v1/executions/" + id);
		assertThat(body.path("status").stringValue()).isIn("PENDING", "RUNNING");
		String status = base + "/v1/executions/" + id;

		JobsService.awaitStarted(name);
		await().until(() -> get(status, TOKEN).path("status").stringValue().equals("RUNNING"));
		JobsService.gate(name).release();
		JsonNode done = get(status + "?wait=10000", TOKEN);
		assertThat(done.path("status").stringValue()).isEqualTo("SUCCEEDED");
		assertThat(done.path("result").stringValue()).isEqualTo(name + " done after 1 steps");
		assertThat(done.path("progress").path("fraction").doubleValue()).isEqualTo(1.0);

		HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(status))
			.header("Authorization", "Bearer " + TOKEN)
			.DELETE());
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(this.json.readTree(again.body()).path("error").stringValue()).isEqualTo("not-cancellable");

		HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(base + "/v1/executions/nope"))
			.header("Authorization", "Bearer " + TOKEN)
			.GET());
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(this.json.readTree(unknown.body()).path("error").stringValue()).isEqualTo("unknown-execution");

		HttpResponse<String> noToken = send(HttpRequest.newBuilder(URI.create(status)).GET());
		assertThat(noToken.statusCode()).isEqualTo(401);

		HttpResponse<String> noService = send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"nope\",\"method\":\"work\",\"args\":[]}")));
		assertThat(noService.statusCode()).isEqualTo(404);

		HttpResponse<String> malformed = send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"jobs\",\"method\":\"work\",\"args\":[\"a\",\"b\"]}")));
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).doesNotContain("Exception:").doesNotContain("\tat ");
	}

	@Test
	void theRouteCancelsARunningExecution() throws Exception {
		ConfigurableApplicationContext server = server();
		String name = name();
		HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(url(server) + "/v1/executions"))
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"jobs\",\"method\":\"work\",\"args\":[\"" + name
					+ "\",1]}")));
		String id = this.json.readTree(started.body()).path("id").stringValue();
		JobsService.awaitStarted(name);

		HttpResponse<String> cancelled = send(HttpRequest.newBuilder(URI.create(url(server) + "/v1/executions/" + id))
			.header("Authorization", "Bearer " + TOKEN)
			.DELETE());

		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(cancelled.body()).path("status").stringValue()).isEqualTo("CANCELLED");
		await().until(() -> JobsService.interrupted.contains(name));
	}

	@Test
	void aRecordInRedisExpiresAfterItsRetention() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE, "execution.executions.retention=1s");
		Jobs jobs = context.getBean(Jobs.class);
		Executions executions = context.getBean(Executions.class);
		Execution<Integer> job = executions.start(() -> jobs.length("ttl"));
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(3);
		assertThat(executions.find(job.id())).isPresent();

		await().atMost(Duration.ofSeconds(10)).until(() -> executions.find(job.id()).isEmpty());
	}

	private JsonNode get(String uri, String token) throws Exception {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token).GET());
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.header("Content-Type", "application/json").build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
