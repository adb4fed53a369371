package io.execution.integration;

import java.time.Duration;
import java.util.UUID;

import io.execution.ExecutionRejectedException;
import io.execution.redis.TestRedis;
import io.execution.registry.WorkerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Http endpoints that name a service instead of URLs: found through Spring Cloud's
 * DiscoveryClient (its simple, property-backed implementation), and through the worker registry
 * where workers serving over HTTP advertise their URL.
 */
class DiscoveryTest {

	private static String port(ConfigurableApplicationContext server) {
		return server.getEnvironment().getProperty("local.server.port");
	}

	@Test
	void aServiceIdIsResolvedThroughSpringCloudsDiscoveryClient() {
		try (ConfigurableApplicationContext server = RealTracerTest.run(RealTracerTest.TracedApplication.class,
				WebApplicationType.SERVLET, "execution.http.server.enabled=true");
				ConfigurableApplicationContext caller = RealTracerTest.run(RealTracerTest.CallerApplication.class,
						WebApplicationType.NONE, "execution.endpoints.greeter.service-id=greeter-app",
						"spring.cloud.discovery.client.simple.instances.greeter-app[0].uri=http://localhost:"
								+ port(server))) {
			assertThat(caller.getBean(Greeter.class).greet("cloud")).isEqualTo("hello cloud");
		}
	}

	@Test
	void aServiceNobodyServesFailsAtOnceNamingWhereItWasLookedFor() {
		try (ConfigurableApplicationContext caller = RealTracerTest.run(RealTracerTest.CallerApplication.class,
				WebApplicationType.NONE, "execution.endpoints.greeter.service-id=nobody",
				"execution.endpoints.greeter.timeout=30s")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> caller.getBean(Greeter.class).greet("x"))
				.isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("service 'nobody'")
				.hasMessageContaining("DiscoveryClient");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void workersServingOverHttpAdvertiseTheirUrlInTheRegistry() {
		TestRedis redis = TestRedis.shared();
		String prefix = "d" + UUID.randomUUID();
		String[] shared = { "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
				"execution.worker.heartbeat-interval=200ms" };
		try (ConfigurableApplicationContext server = RealTracerTest.run(RealTracerTest.TracedApplication.class,
				WebApplicationType.SERVLET, concat(shared, "execution.http.server.enabled=true"));
				ConfigurableApplicationContext caller = RealTracerTest.run(RealTracerTest.CallerApplication.class,
						WebApplicationType.NONE, concat(shared, "execution.endpoints.greeter.mode=http",
								"execution.endpoints.greeter.service-id=greeter",
								"execution.http.discovery.refresh-interval=200ms"))) {
			WorkerRegistry registry = caller.getBean(WorkerRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.workers().stream().anyMatch((worker) -> worker.url() != null));
			assertThat(registry.workers().get(0).url()).endsWith(":" + port(server) + "/execution");
			await().atMost(Duration.ofSeconds(10))
				.ignoreException(ExecutionRejectedException.class)
				.until(() -> caller.getBean(Greeter.class).greet("registry").equals("hello registry"));
		}
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

}
