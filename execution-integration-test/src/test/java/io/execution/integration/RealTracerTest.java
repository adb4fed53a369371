package io.execution.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import brave.handler.MutableSpan;
import io.execution.redis.TestRedis;
import io.execution.registry.WorkerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls traced by Micrometer Tracing over Brave, configured by Spring Boot as an application
 * would have it: one client span per call on the caller, joined by the serving side's spans in
 * the same trace, over HTTP and over queues; one timer per call; streams observed; the starter's
 * own background Redis commands not traced.
 */
class RealTracerTest {

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TracedApplication {

		@Bean
		Spans spans() {
			return new Spans();
		}

		@Bean
		GreeterService greeterService() {
			return new GreeterService();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CallerApplication {

		@Bean
		Spans spans() {
			return new Spans();
		}

	}

	static ConfigurableApplicationContext run(Class<?> application, WebApplicationType web,
			String... properties) {
		return new SpringApplicationBuilder(application).web(web)
			.properties("spring.main.banner-mode=off", "management.tracing.sampling.probability=1.0",
					"spring.cloud.compatibility-verifier.enabled=false",
					"server.port=0")
			.properties(properties)
			.run();
	}

	@Test
	void oneTraceAcrossHttpFromTheClientSpanToBothServerSpans() {
		try (ConfigurableApplicationContext worker = run(TracedApplication.class, WebApplicationType.SERVLET,
				"execution.http.server.enabled=true");
				ConfigurableApplicationContext caller = run(CallerApplication.class, WebApplicationType.NONE,
						"execution.endpoints.greeter.urls=http://localhost:"
								+ worker.getEnvironment().getProperty("local.server.port"))) {
			assertThat(caller.getBean(Greeter.class).greet("http")).isEqualTo("hello http");

			MutableSpan client = caller.getBean(Spans.class).one("greeter.greet");
			assertThat(client.kind()).isEqualTo(brave.Span.Kind.CLIENT);
			assertThat(client.tags()).containsEntry("mode", "http").containsEntry("outcome", "success");
			Spans served = worker.getBean(Spans.class);
			MutableSpan execution = served.one("greeter.greet");
			assertThat(execution.kind()).isEqualTo(brave.Span.Kind.SERVER);
			assertThat(execution.traceId()).isEqualTo(client.traceId());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> served.finished.stream().anyMatch((span) -> span.name().startsWith("http post")));
			MutableSpan request = served.finished.stream()
				.filter((span) -> span.name().startsWith("http post"))
				.findFirst()
				.orElseThrow();
			assertThat(request.traceId()).as("Spring MVC's span of the request joins the caller's trace")
				.isEqualTo(client.traceId());
			assertThat(request.parentId()).isEqualTo(client.id());
			// One tree: the served call's span under the request's, not beside it.
			assertThat(execution.parentId()).isEqualTo(request.id());
		}
	}

	/**
	 * The library's own traffic — health checks every 200 ms here, the warm-up ping — starts no
	 * trace on the serving side and is not counted as the application's requests.
	 */
	@Test
	void healthChecksAndTheWarmUpPingAreNeitherTracedNorCountedAsRequests() {
		try (ConfigurableApplicationContext worker = run(TracedApplication.class, WebApplicationType.SERVLET,
				"execution.http.server.enabled=true");
				ConfigurableApplicationContext caller = run(CallerApplication.class, WebApplicationType.NONE,
						"execution.http.health-check.interval=200ms", "execution.endpoints.greeter.urls=http://localhost:"
								+ worker.getEnvironment().getProperty("local.server.port"))) {
			assertThat(caller.getBean(Greeter.class).greet("http")).isEqualTo("hello http");
			Spans served = worker.getBean(Spans.class);
			MeterRegistry meters = worker.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> meters.find("http.server.requests").tag("uri", "/execution/v1/invocations").timer() != null);
			// Several health checks' worth of time: none shows.
			await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
				.until(() -> served.finished.stream().noneMatch((span) -> span.name().startsWith("http get")));
			assertThat(meters.find("http.server.requests").timers()).extracting((timer) -> timer.getId().getTag("uri"))
				.doesNotContain("/execution/v1/capabilities", "/execution/v1/ping");
		}
	}

	@Test
	void oneTraceAcrossTheQueueOneTimerPerCallAndStreamsObserved() {
		try (ConfigurableApplicationContext context = run(TracedApplication.class, WebApplicationType.NONE,
				"execution.endpoints.greeter.queue=greeter", "execution.worker.enabled=true",
				"execution.worker.queues=greeter", "execution.metrics.percentile-histogram=true")) {
			Greeter greeter = context.getBean(Greeter.class);
			assertThat(greeter.greet("queue")).isEqualTo("hello queue");
			try (Stream<String> letters = greeter.letters("abc")) {
				assertThat(letters.toList()).containsExactly("a", "b", "c");
			}

			Spans spans = context.getBean(Spans.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> spans.named("greeter.greet").size() == 2);
			MutableSpan client = spans.named("greeter.greet")
				.stream()
				.filter((span) -> span.kind() == brave.Span.Kind.CLIENT)
				.findFirst()
				.orElseThrow();
			MutableSpan server = spans.named("greeter.greet")
				.stream()
				.filter((span) -> span.kind() == brave.Span.Kind.SERVER)
				.findFirst()
				.orElseThrow();
			assertThat(client.tags()).containsEntry("mode", "queue");
			assertThat(server.traceId()).isEqualTo(client.traceId());
			assertThat(server.parentId()).isEqualTo(client.id());

			await().atMost(Duration.ofSeconds(10)).until(() -> spans.named("greeter.letters").size() == 2);
			assertThat(spans.named("greeter.letters")).anySatisfy((span) -> {
				assertThat(span.kind()).isEqualTo(brave.Span.Kind.CLIENT);
				assertThat(span.tags()).containsEntry("streaming", "true").containsEntry("outcome", "success");
			});

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Timer timer = meters.get("execution.invocations").tag("method", "greet").tag("mode", "queue").timer();
			assertThat(timer.count()).isEqualTo(1);
			MeterFilter histogram = context.getBean("executionInvocationsHistogram", MeterFilter.class);
			assertThat(histogram.configure(timer.getId(), DistributionStatisticConfig.NONE).isPercentileHistogram())
				.as("the deprecated percentile-histogram still applies")
				.isTrue();
			assertThat(meters.find("execution.invocations").tag("method", "greet").timers())
				.as("one timer per call, made by its observation").hasSize(1);
			assertThat(meters.find("execution.call").meters()).isEmpty();
			assertThat(meters.get("execution.server.invocations").tag("method", "greet").timer().count()).isEqualTo(1);
		}
	}

	@Test
	void theStartersBackgroundRedisCommandsAreNotTracedButCallsAre() {
		String prefix = "t" + UUID.randomUUID();
		TestRedis redis = TestRedis.shared();
		try (ConfigurableApplicationContext context = run(TracedApplication.class, WebApplicationType.NONE,
				"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
				"execution.endpoints.greeter.queue=greeter", "execution.worker.enabled=true",
				"execution.worker.queues=greeter", "execution.worker.heartbeat-interval=200ms")) {
			Spans spans = context.getBean(Spans.class);
			Greeter greeter = context.getBean(Greeter.class);
			assertThat(greeter.greet("warm")).isEqualTo("hello warm");
			spans.finished.clear();
			// Idle: the worker blocks on its reads and sends its heartbeats (five of them here).
			WorkerRegistry registry = context.getBean(WorkerRegistry.class);
			Instant first = registry.workers().get(0).lastHeartbeat();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.workers().get(0).lastHeartbeat().isAfter(first.plusMillis(1000)));
			assertThat(spans.finished).as("spans while idle: %s", spans.finished).isEmpty();

			assertThat(greeter.greet("redis")).isEqualTo("hello redis");
			await().atMost(Duration.ofSeconds(10)).until(() -> spans.named("greeter.greet").size() == 2);
			assertThat(spans.named("greeter.greet")).extracting(MutableSpan::traceId).containsOnly(
					spans.named("greeter.greet").get(0).traceId());
		}
	}

}
