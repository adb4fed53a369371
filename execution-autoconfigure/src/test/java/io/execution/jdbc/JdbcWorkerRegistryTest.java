package io.execution.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.execution.keys.ChargesApplication;
import io.execution.queue.jdbc.TestPostgres;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import io.execution.registry.jdbc.JdbcWorkerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker registry on PostgreSQL, as on Redis: workers of every application register with
 * their pools and tags, beat, go stale when their heartbeats stop, are gone after three
 * intervals, leave when they stop; a drain asked of one reaches it through its next heartbeat.
 */
class JdbcWorkerRegistryTest {

	private static ConfigurableApplicationContext start(String prefix, boolean worker, String... properties) {
		return new SpringApplicationBuilder(ChargesApplication.class).web(WebApplicationType.NONE)
			.properties(TestPostgres.shared().properties())
			// No pool on this module's classpath (its other applications must not get a DataSource).
			.properties("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
					"spring.main.banner-mode=off", "execution.queue.backend=jdbc", "execution.jdbc.table-prefix=" + prefix,
					"execution.endpoints.charges.queue=charges", "execution.worker.enabled=" + worker,
					"execution.worker.queues=charges", "execution.worker.concurrency=3",
					"execution.worker.heartbeat-interval=500ms")
			.properties(properties)
			.run();
	}

	@Test
	void workersRegisterBeatAndLeave() {
		String prefix = "w" + Long.toHexString(System.nanoTime()) + "_";
		try (ConfigurableApplicationContext caller = start(prefix, false);
				ConfigurableApplicationContext one = start(prefix, true, "execution.worker.tags.gpu=true");
				ConfigurableApplicationContext two = start(prefix, true)) {
			WorkerRegistry registry = caller.getBean(WorkerRegistry.class);
			assertThat(registry).isInstanceOf(JdbcWorkerRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.workers().size() == 2 && registry.workers()
					.stream()
					.allMatch((worker) -> worker.pools().stream().allMatch(WorkerInfo.Pool::accepting)));
			List<WorkerInfo> workers = registry.workers();
			assertThat(workers).allSatisfy((worker) -> {
				assertThat(worker.stale()).isFalse();
				assertThat(worker.pools()).extracting(WorkerInfo.Pool::queue).containsExactly("charges");
				assertThat(worker.pools()).allMatch((pool) -> pool.concurrency() == 3);
			});
			assertThat(workers).anySatisfy((worker) -> assertThat(worker.tags()).containsEntry("gpu", "true"));
			assertThat(registry.liveWorkers("charges")).hasSize(2);
			assertThat(registry.liveWorkers("other")).isEmpty();

			// A drain asked through the registry reaches the worker with its next heartbeat.
			WorkerInfo gpu = workers.stream().filter((worker) -> worker.tags().containsKey("gpu")).findFirst().orElseThrow();
			assertThat(registry.request(gpu.id(), "drain")).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.workers().stream()
				.filter((worker) -> worker.id().equals(gpu.id()))
				.allMatch((worker) -> worker.pools().stream().noneMatch(WorkerInfo.Pool::accepting)));
			assertThat(registry.request(gpu.id(), "resume")).isTrue();
			assertThat(registry.request("nobody", "drain")).isFalse();

			// A worker that stops beating (as after kill -9): stale after two intervals, gone after three.
			String json = new tools.jackson.databind.json.JsonMapper().writeValueAsString(new WorkerInfo("ghost", "ghost-host",
					gpu.pools(), gpu.tags(), "test", gpu.startedAt(), Instant.EPOCH, false, List.of(), null, null));
			new JdbcTemplate(TestPostgres.shared().dataSource()).update("INSERT INTO " + prefix + "worker (id, description, beat)"
					+ " VALUES ('ghost', ?, clock_timestamp())", json);
			assertThat(registry.workers()).extracting(WorkerInfo::id).contains("ghost");
			await().atMost(Duration.ofSeconds(6))
				.until(() -> registry.workers().stream().anyMatch((w) -> w.id().equals("ghost") && w.stale()));
			assertThat(registry.liveWorkers("charges")).extracting(WorkerInfo::id).doesNotContain("ghost");
			await().atMost(Duration.ofSeconds(6)).until(() -> registry.workers().stream().noneMatch((w) -> w.id().equals("ghost")));

			two.close();
			assertThat(registry.workers()).hasSize(1);
		}
	}

}
