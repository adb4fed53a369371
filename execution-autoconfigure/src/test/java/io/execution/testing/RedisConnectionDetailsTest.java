package io.execution.testing;

import io.execution.fixtures.api.Pricing;
import io.execution.fixtures.outside.OutsideApplication;
import io.execution.redis.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend follows Spring Boot's {@code DataRedisConnectionDetails} — what
 * Testcontainers' {@code @ServiceConnection} contributes for a Redis container (README,
 * Testing) — over {@code spring.data.redis.*}: the properties here point at a port where nothing
 * listens, the connection details at a real Redis ({@link TestRedis}: a container when Docker
 * answers, else {@code redis-server}, else the embedded binary), and the queue, the worker pool
 * and the registry work.
 */
@SpringBootTest(classes = { OutsideApplication.class, RedisConnectionDetailsTest.Details.class },
		properties = { "execution.queue.backend=redis", "execution.endpoints.pricing.mode=queue",
				"execution.worker.enabled=true", "execution.worker.queues=pricing", "spring.main.banner-mode=off",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1" })
class RedisConnectionDetailsTest {

	@Autowired
	Pricing pricing;

	@Test
	void theQueueRunsOnTheRedisTheConnectionDetailsName() {
		assertThat(this.pricing.quote("tea")).startsWith("tea on execution-worker-pricing-");
	}

	/** As {@code @ServiceConnection} would declare them for a Redis container. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Details {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			TestRedis redis = TestRedis.shared();
			return new DataRedisConnectionDetails() {

				@Override
				public Standalone getStandalone() {
					return Standalone.of(redis.host(), redis.port());
				}

			};
		}

	}

}
