package io.execution.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.cache.Rates.Quote;
import io.execution.core.CachedResults;
import io.execution.fixtures.SharedBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @CacheResult} beside Spring's cache abstraction: with a {@link CacheManager} the
 * results live in its cache {@code execution.<service>} (the annotation's time to live still
 * holds), and cached results are evicted — by service or for one call — from the API and from
 * Actuator, on every store.
 */
class CachedResultsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(Class<?> extra, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RatesApplication.class, extra)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.rates.queue=rates",
					"execution.worker.enabled=true", "execution.worker.queues=rates")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String unique(String name) {
		return name + "-" + UUID.randomUUID();
	}

	@Test
	void withACacheManagerResultsLiveInItsCacheNamedAfterTheService() {
		ConfigurableApplicationContext app = run(WithCacheManager.class);
		Rates rates = app.getBean(Rates.class);
		String from = unique("EUR");
		Quote first = rates.rate(from, "USD");
		assertThat(rates.rate(from, "USD")).isEqualTo(first);
		assertThat(RatesService.runs(from + "USD")).isEqualTo(1);
		ConcurrentMapCacheManager manager = app.getBean(ConcurrentMapCacheManager.class);
		assertThat(manager.getCacheNames()).contains("execution.rates");
		assertThat(((java.util.Map<?, ?>) manager.getCache("execution.rates").getNativeCache())).isNotEmpty();

		// The cache keeps entries for ever; the annotation's 150 ms still holds.
		String brief = unique("SEK");
		rates.shortLived(brief);
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			rates.shortLived(brief);
			return RatesService.runs(brief) == 2;
		});
	}

	private ConfigurableApplicationContext served(Class<?> extra) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RatesApplication.class, extra)
			.properties("spring.main.banner-mode=off", "server.port=0", "execution.endpoints.rates.queue=rates",
					"execution.worker.enabled=true", "execution.worker.queues=rates",
					"management.endpoints.web.exposure.include=execution")
			.run();
		this.contexts.add(context);
		return context;
	}

	@Test
	void evictingAServicesResultsOrOneCallsRunsThemAgain() throws Exception {
		assertEvictions(served(Object.class));
	}

	@Test
	void evictingThroughTheCacheManager() throws Exception {
		assertEvictions(served(WithCacheManager.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { SharedBackends.REDIS, SharedBackends.JDBC })
	void evictingReachesEveryProcess(String backend) throws Exception {
		String[] properties = SharedBackends.properties(backend, SharedBackends.prefix());
		ConfigurableApplicationContext one = run(Object.class, properties);
		ConfigurableApplicationContext two = run(Object.class, properties);
		// One call's result, then the service's.
		String single = unique("SEK");
		one.getBean(Rates.class).rate(single, "USD");
		one.getBean(CachedResults.class).evict("rates", "rate", single, "USD");
		two.getBean(Rates.class).rate(single, "USD");
		assertThat(RatesService.runs(single + "USD")).isEqualTo(2);
		String from = unique("NOK");
		one.getBean(Rates.class).rate(from, "USD");
		two.getBean(Rates.class).rate(from, "USD");
		assertThat(RatesService.runs(from + "USD")).isEqualTo(1);
		one.getBean(CachedResults.class).evict("rates");
		two.getBean(Rates.class).rate(from, "USD");
		assertThat(RatesService.runs(from + "USD")).isEqualTo(2);
	}

	private static void assertEvictions(ConfigurableApplicationContext app) throws Exception {
		Rates rates = app.getBean(Rates.class);
		CachedResults cached = app.getBean(CachedResults.class);
		String a = unique("CHF");
		String b = unique("JPY");
		rates.rate(a, "USD");
		rates.rate(b, "USD");
		// One call's result: that call runs again, the other is still served.
		cached.evict("rates", "rate", a, "USD");
		rates.rate(a, "USD");
		rates.rate(b, "USD");
		assertThat(RatesService.runs(a + "USD")).isEqualTo(2);
		assertThat(RatesService.runs(b + "USD")).isEqualTo(1);
		// Every result of the service, from Actuator's write operation.
		java.net.http.HttpResponse<String> evicted = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
					+ app.getEnvironment().getProperty("local.server.port") + "/actuator/execution/cached-results/rates"))
				.DELETE()
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(evicted.statusCode()).isEqualTo(200);
		assertThat(evicted.body()).contains("\"evicted\":true");
		rates.rate(b, "USD");
		assertThat(RatesService.runs(b + "USD")).isEqualTo(2);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class WithCacheManager {

		@Bean
		ConcurrentMapCacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
