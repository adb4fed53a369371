package io.execution.testing;

import io.execution.fixtures.api.Pricing;
import io.execution.fixtures.outside.OutsideApplication;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend with Redis from Testcontainers' {@code @ServiceConnection}, as an
 * application's test has it (README, Testing): Spring Boot points Spring Data Redis at the
 * container, and the queues, the worker pool and the registry follow. Needs a Docker engine, so
 * it runs where one answers and is left out, saying so, where none does (the project's own tests
 * start {@code redis-server} instead, see {@code TestRedis}).
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = OutsideApplication.class, properties = { "execution.queue.backend=redis",
		"execution.endpoints.pricing.mode=queue", "execution.worker.enabled=true", "execution.worker.queues=pricing",
		"spring.main.banner-mode=off" })
class RedisServiceConnectionTest {

	@Container
	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);

	@Autowired
	Pricing pricing;

	@Test
	void theQueueRunsOnTheContainersRedis() {
		assertThat(this.pricing.quote("tea")).startsWith("tea on execution-worker-pricing-");
	}

}
