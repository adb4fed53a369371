package io.execution.executions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.client.ExecutionClientFactory;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerOperations.Capabilities;
import io.execution.worker.WorkerPool;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operations every application answers (ping, capabilities, status, drain, resume), asked
 * over a queue, over HTTP and in process, and the capabilities in the worker registry.
 */
class WorkerOperationsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(WebApplicationType web, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class).web(web)
			.properties("spring.main.banner-mode=off", "execution.worker.enabled=true", "execution.worker.queues=jobs",
					"execution.worker.concurrency=3", "execution.worker.tags.gpu=none", "execution.endpoints.jobs.mode=queue")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	@Test
	void aPoolAnswersPingAndCapabilitiesOverItsQueue() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE,
				"execution.endpoints.execution-worker.mode=queue", "execution.endpoints.execution-worker.queue=jobs");
		WorkerOperations pool = context.getBean(ExecutionClientFactory.class).create(WorkerOperations.class);

		WorkerOperations.Pong pong = pool.ping();
		Capabilities capabilities = pool.capabilities();

		assertThat(pong.worker()).isEqualTo(context.getBean(LocalWorker.class).id());
		assertThat(pong.time()).isNotNull();
		assertThat(capabilities.services()).anySatisfy((service) -> {
			assertThat(service.name()).isEqualTo("jobs");
			assertThat(service.methods()).anySatisfy((method) -> {
				assertThat(method.name()).isEqualTo("work");
				assertThat(method.parameters()).containsExactly("java.lang.String", "int");
			});
		});
		assertThat(capabilities.tags()).containsEntry("gpu", "none");
		assertThat(capabilities.pools()).singleElement().satisfies((p) -> {
			assertThat(p.queue()).isEqualTo("jobs");
			assertThat(p.concurrency()).isEqualTo(3);
		});
		assertThat(capabilities.limits()).containsKeys("payloadLimit", "queueCapacity");
	}

	@Test
	void theRegistryShowsEachWorkersServices() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE);
		List<WorkerInfo> workers = context.getBean(WorkerRegistry.class).workers();

		assertThat(workers).singleElement()
			.satisfies((worker) -> assertThat(worker.services()).extracting(WorkerInfo.Service::name)
				.contains("jobs")
				.doesNotContain(WorkerOperations.SERVICE));
	}

	@Test
	void anExecutionsStatusIsAnsweredByName() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE);
		Jobs jobs = context.getBean(Jobs.class);
		Execution<Integer> job = context.getBean(Executions.class).start(() -> jobs.length("four"));
		job.await(Duration.ofSeconds(10));
		WorkerOperations operations = context.getBean(ExecutionClientFactory.class).create(WorkerOperations.class);

		assertThat(operations.status(job.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(operations.status(job.id()).result().intValue()).isEqualTo(4);
		assertThat(operations.status("unknown")).isNull();
	}

	@Test
	void drainingStopsTakingWorkUntilResumed() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE);
		WorkerOperations operations = context.getBean(ExecutionClientFactory.class).create(WorkerOperations.class);
		WorkerPools pools = context.getBean(WorkerPools.class);
		Jobs jobs = context.getBean(Jobs.class);

		assertThat(jobs.length("counted")).isEqualTo(7);
		long completed = pools.pools().get(0).completed();
		assertThat(completed).isPositive();
		Capabilities drained = operations.drain();
		assertThat(drained.draining()).isTrue();
		// The answer and the pools agree at once: none takes work, as the answer says.
		assertThat(drained.pools()).isNotEmpty().noneMatch(io.execution.registry.WorkerInfo.Pool::accepting);
		assertThat(pools.pools()).noneMatch(WorkerPool::isAccepting);
		assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		Execution<Integer> job = context.getBean(Executions.class).start(() -> jobs.length("waits"));
		await().during(Duration.ofMillis(300)).until(() -> job.status() == ExecutionStatus.PENDING);

		Capabilities resumed = operations.resume();

		assertThat(resumed.draining()).isFalse();
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(5);
		assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		// The pool's counts went on across the drain: the new threads count where the old stopped.
		await().untilAsserted(() -> assertThat(pools.pools().get(0).completed()).isEqualTo(completed + 1));
	}

	@Test
	void aDrainedRedisPoolGivesBackWhatItsWaitingReadReceivesAndTakesItAgainWhenResumed() {
		ConfigurableApplicationContext context = run(WebApplicationType.NONE, concat(io.execution.redis.TestRedis.shared().properties(),
				"execution.queue.backend=redis", "execution.queue.redis.prefix=d" + Long.toHexString(System.nanoTime())));
		WorkerOperations operations = context.getBean(ExecutionClientFactory.class).create(WorkerOperations.class);
		WorkerPools pools = context.getBean(WorkerPools.class);
		Jobs jobs = context.getBean(Jobs.class);
		assertThat(jobs.length("warm")).isEqualTo(4);

		// The pool's read was waiting in Redis when it drained: the job it receives goes back.
		operations.drain();
		await().until(() -> pools.pools().stream().noneMatch(WorkerPool::isAccepting));
		Execution<Integer> job = context.getBean(Executions.class).start(() -> jobs.length("given back"));
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
			.until(() -> job.status() == ExecutionStatus.PENDING);

		operations.resume();
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(10);
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	@Test
	void anInstanceAnswersPingAndCapabilitiesOverHttp() throws Exception {
		ConfigurableApplicationContext server = run(WebApplicationType.SERVLET, "server.port=0",
				"execution.http.server.enabled=true", "execution.http.auth.token=ops");
		String base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/execution";
		HttpClient http = HttpClient.newHttpClient();
		JsonMapper json = new JsonMapper();

		HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ping"))
			.header("Authorization", "Bearer ops")
			.build(), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> capabilities = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/capabilities"))
			.header("Authorization", "Bearer ops")
			.build(), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> viaEnvelope = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/invocations"))
			.header("Authorization", "Bearer ops")
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"execution-worker\",\"method\":\"ping\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ping")).build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(ping.statusCode()).isEqualTo(200);
		assertThat(json.readTree(ping.body()).path("worker").stringValue()).isEqualTo(server.getBean(LocalWorker.class).id());
		assertThat(json.readTree(ping.body()).path("v").intValue()).isEqualTo(1);
		JsonNode described = json.readTree(capabilities.body());
		assertThat(described.path("v").intValue()).isEqualTo(1);
		assertThat(described.path("tags").path("gpu").stringValue()).isEqualTo("none");
		assertThat(described.path("pools").get(0).path("queue").stringValue()).isEqualTo("jobs");
		assertThat(json.readTree(viaEnvelope.body()).path("result").path("worker").stringValue())
			.isEqualTo(server.getBean(LocalWorker.class).id());
		assertThat(noToken.statusCode()).isEqualTo(401);
	}

}
