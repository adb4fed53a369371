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
import io.execution.async.ExecutionQuery;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.queue.DeadLetters;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bulk actions by filter: every unfinished execution matching a query cancelled at once, from
 * Java and from Actuator; every dead letter matching a filter requeued or deleted.
 */
class BulkActionsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(String... more) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "execution.endpoints.jobs.queue=jobs",
					"execution.worker.enabled=true", "execution.worker.queues=jobs",
					"execution.worker.shutdown-grace-period=100ms",
					"management.endpoints.web.exposure.include=executions,deadletters")
			.properties(more)
			.run();
		this.contexts.add(context);
		return context;
	}

	private HttpResponse<String> send(ConfigurableApplicationContext app, String method, String path) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
				+ app.getEnvironment().getProperty("local.server.port") + path));
		if (method.equals("POST")) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyUnfinishedExecutionMatchingAQueryIsCancelled() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.concurrency=1");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		Execution<Integer> done = executions.start(() -> jobs.length("finished"));
		assertThat(done.await(Duration.ofSeconds(20))).isEqualTo(8);
		String held = "held-" + UUID.randomUUID();
		Execution<String> running = executions.start(() -> jobs.work(held, 1));
		JobsService.awaitStarted(held);
		List<Execution<String>> waiting = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String name = held + "-" + i;
			waiting.add(executions.start(() -> jobs.work(name, 1)));
		}

		// The waiting ones only: the running one and the finished one stay as they are.
		assertThat(executions.cancelAll(ExecutionQuery.newest(1).withStatus(ExecutionStatus.PENDING))).isEqualTo(3);
		assertThat(waiting).allSatisfy((execution) -> assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED));
		assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

		// From Actuator, by service: the one left.
		HttpResponse<String> cancelled = send(app, "DELETE", "/actuator/executions?service=jobs");
		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(cancelled.body()).contains("\"cancelled\":1");
		await().atMost(Duration.ofSeconds(10)).until(() -> running.status() == ExecutionStatus.CANCELLED);
	}

	@Test
	void deadLettersMatchingAFilterAreRequeuedOrDeleted() throws Exception {
		ConfigurableApplicationContext app = run("execution.worker.concurrency=4");
		Executions executions = app.getBean(Executions.class);
		Jobs jobs = app.getBean(Jobs.class);
		String name = "letter-" + UUID.randomUUID();
		List<Execution<String>> all = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String one = name + "-" + i;
			all.add(executions.start(() -> jobs.work(one, 1)));
			JobsService.awaitStarted(one);
		}
		// Drained past the grace period: four dead letters.
		WorkerPools pools = app.getBean(WorkerPools.class);
		pools.drain();
		DeadLetters deadLetters = app.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.count("jobs") == 4);
		pools.resume();

		// Deleted by a filter that matches none, then requeued by one that matches all (from Actuator).
		assertThat(deadLetters.deleteAll("jobs", (letter) -> "nothing".equals(letter.method()))).isZero();
		for (int i = 0; i < 4; i++) {
			JobsService.gate(name + "-" + i).release();
		}
		HttpResponse<String> requeued = send(app, "POST", "/actuator/deadletters/jobs?method=work&cause=drained");
		assertThat(requeued.statusCode()).isEqualTo(200);
		assertThat(requeued.body()).contains("\"requeued\":4");
		assertThat(deadLetters.count("jobs")).isZero();
		for (Execution<String> execution : all) {
			assertThat(execution.await(Duration.ofSeconds(20))).endsWith("done after 1 steps");
		}
	}

}
