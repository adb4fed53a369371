package io.execution.executions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.ExecutionRejectedException;
import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.redis.TestRedis;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerPool;
import io.execution.worker.WorkerPools;
import io.execution.worker.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every worker operation addresses one worker by its id, over every route: in process, through
 * the worker's own control queue on Redis, and over HTTP at the URL it advertises. Draining one
 * worker of a pool leaves its peers alone, and a drained worker is resumed the same way.
 */
class WorkersTest {

	private final String prefix = "workers" + UUID.randomUUID();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(WebApplicationType web, boolean worker, String... more) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class).web(web)
			.properties(TestRedis.shared().properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + this.prefix, "execution.endpoints.jobs.queue=jobs",
					"execution.worker.enabled=" + worker, "execution.worker.queues=jobs",
					"execution.worker.heartbeat-interval=200ms", "execution.http.auth.token=workers-token")
			.properties(more)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String id(ConfigurableApplicationContext context) {
		return context.getBean(LocalWorker.class).id();
	}

	private static boolean accepting(ConfigurableApplicationContext context) {
		return context.getBean(WorkerPools.class).pools().stream().allMatch(WorkerPool::isAccepting);
	}

	@Test
	void overTheControlQueueOneWorkerOfAPoolIsDrainedAndResumedAlone() {
		ConfigurableApplicationContext first = run(WebApplicationType.NONE, true);
		ConfigurableApplicationContext second = run(WebApplicationType.NONE, true);
		ConfigurableApplicationContext caller = run(WebApplicationType.NONE, false);
		Workers workers = caller.getBean(Workers.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> workers.find(id(first)).isPresent() && workers.find(id(second)).isPresent());
		assertThat(workers.route(id(first))).isEqualTo(Workers.Route.QUEUE);

		WorkerOperations one = workers.of(id(first));
		assertThat(one.ping().worker()).isEqualTo(id(first));
		assertThat(workers.of(id(second)).ping().worker()).isEqualTo(id(second));
		assertThat(one.capabilities().pools()).singleElement()
			.satisfies((pool) -> assertThat(pool.queue()).isEqualTo("jobs"));

		// Drained: that worker alone stops taking work, whichever pool member the call would reach.
		assertThat(one.drain().draining()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !accepting(first));
		assertThat(accepting(second)).as("its peer").isTrue();
		Jobs jobs = caller.getBean(Jobs.class);
		Execution<Integer> job = caller.getBean(Executions.class).start(() -> jobs.length("served by the peer"));
		assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(18);

		// A drained worker still hears its own operations: status, then the resume.
		assertThat(one.status(job.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(one.resume().draining()).isFalse();
		assertThat(accepting(first)).isTrue();
	}

	@Test
	void overHttpAWorkerIsReachedAtTheUrlItAdvertises() {
		ConfigurableApplicationContext server = run(WebApplicationType.SERVLET, true, "server.port=0",
				"execution.http.server.enabled=true");
		ConfigurableApplicationContext caller = run(WebApplicationType.NONE, false);
		Workers workers = caller.getBean(Workers.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> workers.find(id(server)).map((worker) -> worker.url() != null).orElse(false));
		assertThat(workers.route(id(server))).isEqualTo(Workers.Route.HTTP);

		WorkerOperations operations = workers.of(id(server));
		assertThat(operations.ping().worker()).isEqualTo(id(server));
		assertThat(operations.drain().draining()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !accepting(server));
		assertThat(operations.resume().draining()).isFalse();
		assertThat(accepting(server)).isTrue();
	}

	@Test
	void thisProcesssOwnWorkerAnswersInProcessAndAnUnknownIdIsRefusedNamingTheKnownOnes() {
		ConfigurableApplicationContext worker = run(WebApplicationType.NONE, true);
		Workers workers = worker.getBean(Workers.class);
		assertThat(workers.route(id(worker))).isEqualTo(Workers.Route.IN_PROCESS);
		assertThat(workers.of(id(worker)).ping().worker()).isEqualTo(id(worker));
		await().atMost(Duration.ofSeconds(10)).until(() -> workers.find(id(worker)).isPresent());
		assertThatThrownBy(() -> workers.of("nobody")).isInstanceOf(ExecutionRejectedException.class)
			.hasMessageContaining("No worker 'nobody' in the worker registry")
			.hasMessageContaining(id(worker));
	}

}
