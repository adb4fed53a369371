package io.execution.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.execution.actuate.ConsoleEndpoint;
import io.execution.actuate.ConsoleSnapshots;
import io.execution.lanes.GradedApplication;
import io.execution.redis.TestRedis;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Redis the console drains and resumes the workers of other processes too: the worker is
 * reached by its id, drains at once and answers with its pools; the snapshot shows it at its
 * next heartbeat.
 */
class ConsoleRemoteWorkersTest {

	private final String prefix = "console" + UUID.randomUUID();

	private ConfigurableApplicationContext run(WebApplicationType web, String... more) {
		return new SpringApplicationBuilder(GradedApplication.class).web(web)
			.properties(TestRedis.shared().properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + this.prefix, "execution.endpoints.graded.queue=graded",
					"execution.worker.enabled=true", "execution.worker.queues=graded",
					"execution.worker.heartbeat-interval=200ms")
			.properties(more)
			.run();
	}

	@Test
	void anotherProcesssWorkerIsDrainedAndResumedThroughTheRegistry() {
		try (ConfigurableApplicationContext other = run(WebApplicationType.NONE);
				ConfigurableApplicationContext console = run(WebApplicationType.SERVLET, "server.port=0",
						"execution.console.enabled=true", "execution.console.refresh-interval=100ms",
						"management.endpoints.web.exposure.include=console")) {
			String worker = other.getBean(LocalWorker.class).id();
			WorkerPools pools = other.getBean(WorkerPools.class);
			ConsoleEndpoint endpoint = console.getBean(ConsoleEndpoint.class);
			ConsoleSnapshots snapshots = console.getBean(ConsoleSnapshots.class);
			assertThat(snapshots.current()).containsEntry("remoteControl", true);
			await().atMost(Duration.ofSeconds(10)).until(() -> state(snapshots, worker) != null);
			assertThat(state(snapshots, worker)).containsEntry("self", false).containsEntry("draining", false);

			Map<String, Object> drained = endpoint.act("drain", null, null, worker, null, null, null, null).getBody();
			assertThat(drained).containsEntry("requested", true).containsKey("pools");
			await().atMost(Duration.ofSeconds(10)).until(() -> !pools.pools().get(0).isAccepting());
			await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(state(snapshots, worker).get("draining")));
			assertThat(console.getBean(WorkerPools.class).pools().get(0).isAccepting()).as("only the worker asked").isTrue();

			endpoint.act("resume", null, null, worker, null, null, null, null);
			await().atMost(Duration.ofSeconds(10)).until(() -> pools.pools().get(0).isAccepting());
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> state(ConsoleSnapshots snapshots, String worker) {
		return ((List<Map<String, Object>>) snapshots.current().get("workers")).stream()
			.filter((one) -> worker.equals(one.get("id")))
			.findFirst()
			.orElse(null);
	}

}
