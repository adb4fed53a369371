package io.execution.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.actuate.ExecutionReport;
import io.execution.it.Lab;
import io.execution.queue.QueueControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A paused queue, on the memory backend and on Redis across processes: no worker anywhere takes
 * its calls while it is paused (they wait), Actuator shows it paused, and a resume lets them run.
 */
class QueuePauseTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(boolean worker, String... more) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.lab.queue=lab",
					"execution.endpoints.lab.timeout=30s", "execution.worker.enabled=" + worker,
					"execution.worker.queues=lab")
			.properties(more)
			.run();
		this.contexts.add(context);
		return context;
	}

	@Test
	void inMemoryAPausedQueuesCallsWaitUntilItResumes() throws Exception {
		ConfigurableApplicationContext app = start(true);
		pausedCallsWaitUntilResumed(app, app);
	}

	@Test
	void onRedisNoWorkerOfAnyProcessTakesFromAPausedQueue() throws Exception {
		String[] redis = redisProperties();
		start(true, redis);
		start(true, redis);
		ConfigurableApplicationContext caller = start(false, redis);
		pausedCallsWaitUntilResumed(caller, caller);
	}

	@Test
	void onPostgresNoWorkerOfAnyProcessTakesFromAPausedQueue() throws Exception {
		String[] jdbc = io.execution.fixtures.SharedBackends.properties(io.execution.fixtures.SharedBackends.JDBC,
				io.execution.fixtures.SharedBackends.prefix());
		start(true, jdbc);
		start(true, jdbc);
		ConfigurableApplicationContext caller = start(false, jdbc);
		pausedCallsWaitUntilResumed(caller, caller);
	}

	private static String[] redisProperties() {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		properties.addAll(List.of("execution.queue.backend=redis",
				"execution.queue.redis.prefix=p" + Long.toHexString(System.nanoTime())));
		return properties.toArray(String[]::new);
	}

	private static void pausedCallsWaitUntilResumed(ConfigurableApplicationContext caller,
			ConfigurableApplicationContext observer) throws Exception {
		Lab lab = caller.getBean(Lab.class);
		assertThat(lab.echo("before")).isEqualTo("before");
		QueueControl queues = caller.getBean(QueueControl.class);
		queues.pause("lab");
		assertThat(queues.isPaused("lab")).isTrue();
		assertThat(observer.getBean(ExecutionReport.class).queue("lab")).containsEntry("paused", true);

		CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> lab.echo("while paused"));
		await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());

		queues.resume("lab");
		assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("while paused");
		assertThat(queues.isPaused("lab")).isFalse();
	}


	@Test
	void actuatorPausesAndResumesAQueue() throws Exception {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(RedisApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "execution.endpoints.lab.queue=lab",
					"execution.worker.enabled=true", "execution.worker.queues=lab",
					"management.endpoints.web.exposure.include=execution")
			.run();
		this.contexts.add(app);
		String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port") + "/actuator/execution/";
		java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
		java.net.http.HttpResponse<String> paused = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
				+ "pause/lab")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
				java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat(paused.body()).contains("\"paused\":true");
		assertThat(app.getBean(QueueControl.class).isPaused("lab")).isTrue();
		java.net.http.HttpResponse<String> resumed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
				+ "resume/lab")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
				java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(resumed.body()).contains("\"paused\":false");
		assertThat(app.getBean(Lab.class).echo("after")).isEqualTo("after");
	}

}
