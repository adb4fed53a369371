package io.execution.lifecycle;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.execution.autoconfigure.ExecutionAutoConfiguration;
import io.execution.autoconfigure.ExecutionHttpServerAutoConfiguration;
import io.execution.autoconfigure.ExecutionQueueAutoConfiguration;
import io.execution.autoconfigure.ExecutionWorkerAutoConfiguration;
import io.execution.core.ExecutionTimer;
import io.execution.httpit.worker.Billing;
import io.execution.httpit.worker.BillingService;
import io.execution.httpit.worker.WorkerApplication;
import io.execution.streams.Feeds;
import io.execution.streams.FeedsApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Threads come from one place and go with the context: the process's timer serves the
 * dispatcher, the HTTP server, the http transports and the worker pools, and nothing of
 * Execution's runs on once the context is closed.
 */
class ThreadsTest {

	@Test
	void nothingOfExecutionRunsOnAfterItsContextCloses() {
		Set<String> before = executionThreads();
		for (int round = 0; round < 3; round++) {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApplication.class)
				.properties("server.port=0", "execution.http.server.enabled=true", "execution.worker.enabled=true",
						"execution.worker.queues=billing", "execution.endpoints.billing.mode=queue",
						"test.instance=threads-" + round, "spring.main.banner-mode=off")
				.run()) {
				assertThat(context.getBean(Billing.class).charge("o-" + round, 100)).contains("o-" + round);
				// Threads of Execution's run while the context does (the timer starts only once something is scheduled).
				assertThat(executionThreads()).anyMatch((name) -> name.startsWith("execution-worker-billing-"));
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(executionThreads()).isSubsetOf(before));
	}

	@Test
	void aStreamedQueueCallLeavesNoThreadBehindOnceItsContextCloses() {
		Set<String> before = executionThreads();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FeedsApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.feeds.mode=queue",
					"execution.worker.enabled=true", "execution.worker.queues=feeds")
			.run()) {
			// More elements than one chunk holds: the worker sends chunks as it goes, and on time.
			try (Stream<Integer> counted = context.getBean(Feeds.class).count(1_000)) {
				assertThat(counted.count()).isEqualTo(1_000);
			}
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(executionThreads())
			.doesNotContain("execution-stream-chunks")
			.isSubsetOf(before));
	}

	@Test
	void theServerUsesTheProcesssTimerAndLeavesBootsTaskSchedulerInPlace() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TaskSchedulingAutoConfiguration.class,
					ExecutionAutoConfiguration.class, ExecutionQueueAutoConfiguration.class,
					ExecutionWorkerAutoConfiguration.class, ExecutionHttpServerAutoConfiguration.class))
			.withUserConfiguration(Scheduled.class, BillingService.class)
			.withPropertyValues("execution.http.server.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(ExecutionTimer.class)
					.doesNotHaveBean(ScheduledExecutorService.class)
					.hasBean("taskScheduler");
			});
	}

	@Test
	void workerPoolsRunOnVirtualThreadsOnlyWhenTheApplicationDoesAndTheJvmCan() {
		boolean virtualCapable = Runtime.version().feature() >= 21;
		for (boolean virtual : new boolean[] { false, true }) {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WhereaboutsApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "spring.threads.virtual.enabled=" + virtual,
						"execution.endpoints.whereabouts.queue=where", "execution.worker.enabled=true",
						"execution.worker.queues=where")
				.run()) {
				String thread = context.getBean(Whereabouts.class).thread();
				assertThat(thread).contains("execution-worker-where-")
					.startsWith((virtual && virtualCapable) ? "VirtualThread[" : "Thread[");
			}
		}
	}

	/**
	 * With virtual threads on, the JDK clients' asynchronous stages and the Redis backend's
	 * callbacks run on virtual threads too (on a JVM that has them), else on platform threads.
	 */
	@Test
	void httpClientsAndRedisCallbacksFollowTheApplicationsThreads() throws Exception {
		boolean virtualCapable = Runtime.version().feature() >= 21;
		io.execution.redis.TestRedis redis = io.execution.redis.TestRedis.shared();
		for (boolean virtual : new boolean[] { false, true }) {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WhereaboutsApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "spring.threads.virtual.enabled=" + virtual,
						"execution.queue.backend=redis", "spring.data.redis.host=" + redis.host(),
						"spring.data.redis.port=" + redis.port(),
						"execution.queue.redis.prefix=threads-" + java.util.UUID.randomUUID())
				.run()) {
				java.net.http.HttpClient client = context.getBean(io.execution.http.HttpClientFactory.class)
					.create(null, (builder) -> {
					});
				assertThat(client.executor().isPresent()).as("virtual=%s", virtual).isEqualTo(virtual && virtualCapable);
				java.util.concurrent.CompletableFuture<String> ran = new java.util.concurrent.CompletableFuture<>();
				context.getBean(io.execution.queue.redis.RedisQueueBackend.class)
					.callbacks()
					.execute(() -> ran.complete(Thread.currentThread().toString()));
				assertThat(ran.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("execution-redis-callbacks")
					.startsWith((virtual && virtualCapable) ? "VirtualThread[" : "Thread[");
			}
		}
	}

	private static Set<String> executionThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("execution-"))
			.collect(Collectors.toSet());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Scheduled {

	}

}
