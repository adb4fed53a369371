package io.execution.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.queue.DeadLetters;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker shut down while calls run past its grace period: every such call is recorded
 * CANCELLED, kept as a dead letter an operator can requeue, and acknowledged — none left
 * unacknowledged in the requests stream.
 */
class RedisShutdownTest {

	private static final TestRedis redis = TestRedis.shared();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(String prefix, boolean worker) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisApplication.class)
			.web(WebApplicationType.NONE)
			.properties(redis.properties())
			.properties("spring.main.banner-mode=off", "execution.queue.backend=redis",
					"execution.queue.redis.prefix=" + prefix, "execution.endpoints.ledger.queue=ledger",
					"execution.endpoints.ledger.timeout=2m", "execution.worker.enabled=" + worker,
					"execution.worker.queues=ledger", "execution.worker.concurrency=8",
					"execution.worker.shutdown-grace-period=200ms")
			.run();
		this.contexts.add(context);
		return context;
	}

	@RepeatedTest(3)
	void everyCallCutShortAtShutdownIsADeadLetterAndAcknowledged() {
		cutShort(false);
	}

	/** Methods that do not heed the interrupt, and end after the pool stopped waiting for them. */
	@org.junit.jupiter.api.Test
	void aCallThatIgnoresTheInterruptIsADeadLetterAndAcknowledgedToo() {
		cutShort(true);
	}

	private void cutShort(boolean stubborn) {
		String prefix = "s" + Long.toHexString(System.nanoTime());
		ConfigurableApplicationContext worker = start(prefix, true);
		ConfigurableApplicationContext caller = start(prefix, false);
		Ledger ledger = caller.getBean(Ledger.class);
		Executions executions = caller.getBean(Executions.class);
		List<Execution<String>> running = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			running.add(stubborn ? executions.startAsync(() -> ledger.stubborn(7_000))
					: executions.startAsync(() -> ledger.pause(60_000)));
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> running.stream().allMatch((execution) -> execution.status() == ExecutionStatus.RUNNING));

		worker.close();

		await().atMost(Duration.ofSeconds(20))
			.until(() -> running.stream().allMatch((execution) -> execution.status() == ExecutionStatus.CANCELLED));
		DeadLetters deadLetters = caller.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.count("ledger") == 8);
		RedisClient client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().xpending(prefix + ":{q:ledger}:requests", "workers").getCount())
				.as("requests left unacknowledged").isZero();
		}
		finally {
			client.shutdown();
		}
	}

}
