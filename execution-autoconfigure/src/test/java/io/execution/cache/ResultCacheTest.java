package io.execution.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.execution.RemoteExecutionException;
import io.execution.cache.Rates.Quote;
import io.execution.fixtures.SharedBackends;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @CacheResult} methods: a call with the arguments of a recent successful one gets its
 * result without running; identical concurrent calls run once; failures are not cached; the
 * cache is shared through Redis across processes; hits and misses are counted.
 */
class ResultCacheTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String prefix = SharedBackends.prefix();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RatesApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.rates.queue=rates")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private ConfigurableApplicationContext memory() {
		return run("execution.worker.enabled=true", "execution.worker.queues=rates");
	}

	private ConfigurableApplicationContext shared(String backend, String... more) {
		return run(SharedBackends.properties(backend, this.prefix, more));
	}

	private static String unique(String name) {
		return name + "-" + UUID.randomUUID();
	}

	@Test
	void equalArgumentsGetTheCachedResultWithoutRunning() {
		ConfigurableApplicationContext app = memory();
		Rates rates = app.getBean(Rates.class);
		String from = unique("EUR");

		Quote first = rates.rate(from, "USD");
		Quote second = rates.rate(from, "USD");
		assertThat(second).isEqualTo(first);
		assertThat(RatesService.runs(from + "USD")).isEqualTo(1);
		rates.rate(from, "GBP");
		assertThat(RatesService.runs(from + "GBP")).as("other arguments run").isEqualTo(1);
		rates.uncached(from + "u");
		rates.uncached(from + "u");
		assertThat(RatesService.runs(from + "u")).as("methods without @CacheResult always run").isEqualTo(2);

		MeterRegistry meters = app.getBean(MeterRegistry.class);
		assertThat(meters.get("execution.cache.hits").tag("method", "rate").counter().count()).isEqualTo(1);
		assertThat(meters.get("execution.cache.misses").tag("method", "rate").counter().count()).isEqualTo(2);
	}

	@Test
	void resultsExpireAfterTheirTtl() {
		Rates rates = memory().getBean(Rates.class);
		String from = unique("SEK");
		rates.shortLived(from);
		rates.shortLived(from);
		assertThat(RatesService.runs(from)).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			rates.shortLived(from);
			return RatesService.runs(from) == 2;
		});
	}

	@Test
	void identicalConcurrentCallsRunOnceAndShareTheResult() throws Exception {
		Rates rates = memory().getBean(Rates.class);
		String from = unique("JPY");
		Set<Quote> results = concurrently(16, () -> rates.slow(from, 300));
		assertThat(results).hasSize(1);
		assertThat(RatesService.runs(from)).isEqualTo(1);
	}

	@Test
	void failuresAreNotCached() {
		Rates rates = memory().getBean(Rates.class);
		String from = unique("CHF");
		assertThatThrownBy(() -> rates.flaky(from)).isInstanceOf(RemoteExecutionException.class);
		assertThat(rates.flaky(from).rate()).isEqualTo(2);
		assertThat(rates.flaky(from).rate()).isEqualTo(2);
		assertThat(RatesService.runs(from)).isEqualTo(2);
	}

	@Test
	void asynchronousMethodsAreCachedToo() throws Exception {
		Rates rates = memory().getBean(Rates.class);
		String from = unique("NOK");
		Quote first = rates.rateAsync(from, "USD").get(10, TimeUnit.SECONDS);
		Quote second = rates.rateAsync(from, "USD").get(10, TimeUnit.SECONDS);
		assertThat(second).isEqualTo(first);
		assertThat(RatesService.runs("async" + from + "USD")).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { SharedBackends.REDIS, SharedBackends.JDBC })
	void theCacheIsSharedAcrossProcesses(String backend) throws Exception {
		ConfigurableApplicationContext worker = shared(backend, "execution.worker.enabled=true",
				"execution.worker.queues=rates");
		ConfigurableApplicationContext other = shared(backend);
		String from = unique("AUD");
		Quote first = worker.getBean(Rates.class).rate(from, "USD");
		assertThat(other.getBean(Rates.class).rate(from, "USD")).isEqualTo(first);
		assertThat(RatesService.runs(from + "USD")).isEqualTo(1);

		String slow = unique("CAD");
		List<Rates> both = List.of(worker.getBean(Rates.class), other.getBean(Rates.class));
		List<Callable<Quote>> calls = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			Rates rates = both.get(i % 2);
			calls.add(() -> rates.slow(slow, 300));
		}
		Set<Quote> results = concurrently(calls);
		assertThat(results).hasSize(1);
		assertThat(RatesService.runs(slow)).as("one run across both processes").isEqualTo(1);
	}

	/**
	 * Quick methods, where one process may put its result and give up its claim between another
	 * process's miss and its claim: that one reads again before running. Many rounds, so that the
	 * narrow window is hit.
	 */
	@ParameterizedTest
	@ValueSource(strings = { SharedBackends.REDIS, SharedBackends.JDBC })
	void quickIdenticalCallsFromTwoProcessesRunOnceRoundAfterRound(String backend) throws Exception {
		ConfigurableApplicationContext worker = shared(backend, "execution.worker.enabled=true",
				"execution.worker.queues=rates", "execution.worker.concurrency=8");
		ConfigurableApplicationContext other = shared(backend);
		List<Rates> both = List.of(worker.getBean(Rates.class), other.getBean(Rates.class));
		for (int round = 0; round < 15; round++) {
			String from = unique("R" + round);
			List<Callable<Quote>> calls = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				Rates rates = both.get(i % 2);
				calls.add(() -> rates.rate(from, "USD"));
			}
			assertThat(concurrently(calls)).hasSize(1);
			assertThat(RatesService.runs(from + "USD")).as("round %d: one run across both processes", round).isEqualTo(1);
		}
	}

	private static Set<Quote> concurrently(int times, Callable<Quote> call) throws Exception {
		List<Callable<Quote>> calls = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			calls.add(call);
		}
		return concurrently(calls);
	}

	private static Set<Quote> concurrently(List<Callable<Quote>> calls) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(calls.size());
		try {
			Set<Quote> results = new HashSet<>();
			for (Future<Quote> result : threads.invokeAll(calls)) {
				results.add(result.get(20, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			threads.shutdownNow();
		}
	}

}
