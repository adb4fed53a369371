package io.execution.ticks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.execution.fixtures.beats.BeatsApplication;
import io.execution.queue.DeadLetters;
import io.execution.recurring.RecurringStore;
import io.execution.redis.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances, each its own JVM, tick one recurring call on Redis; the one running a tick is
 * killed (SIGKILL) mid-tick. Every tick runs once: the killed one is not run again (its method is
 * not idempotent: it is a dead letter once its lease runs out), and the two left go on ticking.
 */
class RecurringKilledInstanceTest {

	private final List<Process> instances = new ArrayList<>();

	private ConfigurableApplicationContext observer;

	@AfterEach
	void stop() {
		this.instances.forEach(Process::destroyForcibly);
		if (this.observer != null) {
			this.observer.close();
		}
	}

	private Process instance(String prefix, Path log) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
				BeatsApplication.class.getName(), "--spring.main.banner-mode=off", "--spring.main.web-application-type=none",
				"--logging.level.root=WARN"));
		for (String property : properties(prefix)) {
			command.add("--" + property);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.instances.add(process);
		return process;
	}

	private static List<String> properties(String prefix) {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
				"execution.queue.redis.visibility-timeout=2s", "execution.queue.redis.reconnect-delay=500ms",
				"execution.endpoints.beats.queue=beats",
				"execution.endpoints.beats.timeout=10s", "execution.worker.enabled=true",
				"execution.worker.queues=beats", "execution.worker.concurrency=1"));
		return properties;
	}

	@Test
	void everyTickRunsOnceWhenTheInstanceRunningOneIsKilledMidTick() throws Exception {
		String prefix = "k" + Long.toHexString(System.nanoTime());
		Path logs = Files.createTempDirectory("beats");
		for (int i = 0; i < 3; i++) {
			instance(prefix, logs.resolve("instance-" + i + ".log"));
		}
		// An observer on the same Redis that ticks nothing and serves nothing.
		List<String> observing = new ArrayList<>(properties(prefix));
		observing.addAll(List.of("execution.recurring.enabled=false", "execution.worker.enabled=false"));
		this.observer = new SpringApplicationBuilder(BeatsApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(observing.toArray(String[]::new))
			.run();
		StringRedisTemplate redis = this.observer.getBean(StringRedisTemplate.class);
		RecurringStore store = this.observer.getBean(RecurringStore.class);
		await().atMost(Duration.ofSeconds(90)).until(() -> runs(redis, prefix) >= 3);

		// The instance running a beat now is killed while it runs it.
		String running = null;
		long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (running == null && System.nanoTime() - end < 0) {
			running = redis.opsForValue().get(prefix + ":running");
		}
		assertThat(running).as("a beat was seen running").isNotNull();
		long pid = Long.parseLong(running);
		Process killed = this.instances.stream().filter((p) -> p.pid() == pid).findFirst().orElseThrow();
		killed.destroyForcibly();
		killed.waitFor();
		int ticksAtKill = ticks(redis, prefix);

		// The two left go on: more ticks, each run once; the one cut short is a dead letter, not run again.
		await().atMost(Duration.ofSeconds(60)).until(() -> ticks(redis, prefix) >= ticksAtKill + 4);
		DeadLetters deadLetters = this.observer.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.count("beats") == 1);
		assertThat(deadLetters.list("beats", 0, 1).get(0).cause()).contains("not idempotent");
		// No tick is running now (a beat's run counted and its tick's key held): compare once quiet.
		store.pause("beat", true);
		await().atMost(Duration.ofSeconds(15)).during(Duration.ofMillis(1500))
			.until(() -> redis.opsForValue().get(prefix + ":running") == null
					&& runs(redis, prefix) == ticks(redis, prefix));
		assertThat(store.lastDue("beat")).isPresent();
	}

	private static int runs(StringRedisTemplate redis, String prefix) {
		String runs = redis.opsForValue().get(prefix + ":runs");
		return (runs != null) ? Integer.parseInt(runs) : 0;
	}

	/** The ticks started: the idempotency keys their executions hold. */
	private static int ticks(StringRedisTemplate redis, String prefix) {
		java.util.Set<String> keys = redis.keys(prefix + ":{k:recurring:beat:*");
		return (keys != null) ? keys.size() : 0;
	}

}
