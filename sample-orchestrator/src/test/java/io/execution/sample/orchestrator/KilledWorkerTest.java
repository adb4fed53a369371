package io.execution.sample.orchestrator;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.execution.redis.TestRedis;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import io.execution.sample.worker.api.Inventory;
import io.execution.sample.worker.api.Primes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented {@code redis} set-up with real processes: two sample-worker JVMs and a caller.
 * One worker is killed with SIGKILL while it runs calls: every idempotent call still completes,
 * every other call completes or fails clearly, and no call is lost.
 */
class KilledWorkerTest {

	private static final Path WORKER_JAR = Path.of("..", "sample-worker", "target", "sample-worker-0.1.0-SNAPSHOT-exec.jar");

	@Test
	void noCallIsLostWhenAWorkerIsKilled() throws Exception {
		assertThat(WORKER_JAR).as("built by the sample-worker module").exists();
		try (TestRedis redis = TestRedis.startProcess()) {
			Process victim = worker(redis);
			Process survivor = worker(redis);
			try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(
					SampleOrchestratorApplication.class)
				.run("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port(), "--demo.endpoints=",
						"--demo.exit=false", "--demo.job-up-to=20000000", "--execution.endpoints.primes.timeout=60s",
						"--execution.endpoints.inventory.timeout=60s")) {
				WorkerRegistry registry = caller.getBean(WorkerRegistry.class);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> registry.liveWorkers("io").stream()
						.filter((worker) -> worker.pools().stream().allMatch(WorkerInfo.Pool::accepting))
						.count() == 2);
				Primes primes = caller.getBean(Primes.class);
				Inventory inventory = caller.getBean(Inventory.class);
				List<CompletableFuture<Primes.PrimeCount>> counts = new ArrayList<>();
				List<CompletableFuture<List<Inventory.Stock>>> lookups = new ArrayList<>();
				for (int i = 0; i < 40; i++) {
					int n = i;
					counts.add(primes.countAsync(300_000 + n));
					lookups.add(CompletableFuture.supplyAsync(() -> inventory.lookup(List.of("sku-" + n))));
				}
				// Let both workers get busy, then kill one mid-call.
				Thread.sleep(700);
				victim.destroyForcibly();
				assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();

				for (int i = 0; i < counts.size(); i++) {
					assertThat(counts.get(i).get(60, TimeUnit.SECONDS).upTo()).isEqualTo(300_000 + i);
				}
				int succeeded = 0;
				int failedClearly = 0;
				for (int i = 0; i < lookups.size(); i++) {
					try {
						assertThat(lookups.get(i).get(60, TimeUnit.SECONDS)).extracting(Inventory.Stock::sku)
							.containsExactly("sku-" + i);
						succeeded++;
					}
					catch (ExecutionException ex) {
						assertThat(ex.getCause()).hasMessageContaining("not @Idempotent");
						failedClearly++;
					}
				}
				System.out.println("KILLED-WORKER succeeded=" + succeeded + " failedClearly=" + failedClearly);
				assertThat(succeeded + failedClearly).isEqualTo(40);
				assertThat(succeeded).isPositive();
			}
			finally {
				victim.destroyForcibly();
				survivor.destroyForcibly();
			}
		}
	}

	private static Process worker(TestRedis redis) throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		return new ProcessBuilder(java, "-jar", WORKER_JAR.toString(), "--spring.profiles.active=redis",
				"--spring.data.redis.port=" + redis.port(), "--server.port=0",
				"--execution.queue.redis.visibility-timeout=2s", "--execution.worker.heartbeat-interval=1s",
				"--sample.inventory.latency=300ms", "--execution.worker.concurrency=4")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

}
