package io.execution.ticks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.ExecutionDefinitionException;
import io.execution.async.DefaultExecutions;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.ExecutionStore;
import io.execution.fixtures.SharedBackends;
import io.execution.recurring.Recurrence;
import io.execution.recurring.RecurringCall;
import io.execution.recurring.RecurringCalls;
import io.execution.recurring.RecurringScheduler;
import io.execution.recurring.RecurringState;
import io.execution.recurring.RecurringStore;
import io.execution.redis.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Recurring calls: declared, configured and registered; each tick once across instances on
 * Redis; missed ticks and overlapping ticks by their policies; pause, resume and trigger from
 * Java and Actuator.
 */
class RecurringCallsTest {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void reset() {
		TickerService.reset();
	}

	private final List<AutoCloseable> after = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		for (AutoCloseable closeable : this.after) {
			closeable.close();
		}
	}

	private ConfigurableApplicationContext start(String... properties) {
		boolean web = List.of(properties).contains("server.port=0");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TickerApplication.class)
			.web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String[] redis(String prefix, String... more) {
		List<String> properties = new ArrayList<>(List.of(TestRedis.shared().properties()));
		properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
				"execution.endpoints.ticker.queue=ticker", "execution.worker.enabled=true",
				"execution.worker.queues=ticker"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	@Test
	void aDeclaredCallTicksAtItsRateAndShowsItsTicks() {
		RecurringCalls calls = start().getBean(RecurringCalls.class);
		await().atMost(Duration.ofSeconds(15)).until(() -> TickerService.runs("fast") >= 3);
		RecurringState fast = calls.find("fast").orElseThrow();
		assertThat(fast.recurrence()).isEqualTo("every 1s");
		assertThat(fast.service()).isEqualTo("ticker");
		assertThat(fast.method()).isEqualTo("fast");
		assertThat(fast.nextDueAt()).isAfter(Instant.now().minusMillis(500));
		// Due on the second, whichever instance computes it.
		assertThat(fast.nextDueAt().toEpochMilli() % 1000).isZero();
		assertThat(fast.ticks()).hasSizeGreaterThanOrEqualTo(3);
		RecurringState.Tick tick = fast.ticks().get(1);
		assertThat(tick.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
		assertThat(tick.execution().key()).isEqualTo(RecurringScheduler.key("fast", tick.dueAt()));
		assertThat(fast.toJson()).containsKeys("name", "recurrence", "nextDueAt", "ticks", "paused");
	}

	/** Instances sharing PostgreSQL (each test its own tables, by their prefix). */
	private static String[] jdbc(String prefix, String... more) {
		List<String> properties = new ArrayList<>(List.of(io.execution.queue.jdbc.TestPostgres.shared().properties()));
		// No pool on this module's classpath (its other applications must not get a DataSource).
		properties.addAll(List.of("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
				"execution.queue.backend=jdbc", "execution.jdbc.table-prefix=" + prefix + "_",
				"execution.endpoints.ticker.queue=ticker", "execution.worker.enabled=true",
				"execution.worker.queues=ticker"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	@Test
	void onRedisEachTickRunsOnceWhateverTheNumberOfInstances() {
		eachTickRunsOnceWhateverTheNumberOfInstances(RecurringCallsTest::redis);
	}

	@Test
	void onPostgresEachTickRunsOnceWhateverTheNumberOfInstances() {
		eachTickRunsOnceWhateverTheNumberOfInstances(RecurringCallsTest::jdbc);
	}

	private void eachTickRunsOnceWhateverTheNumberOfInstances(
			java.util.function.BiFunction<String, String[], String[]> backend) {
		String prefix = "t" + Long.toHexString(System.nanoTime());
		start(backend.apply(prefix, new String[0]));
		start(backend.apply(prefix, new String[0]));
		ConfigurableApplicationContext third = start(backend.apply(prefix, new String[0]));
		RecurringCalls calls = third.getBean(RecurringCalls.class);
		// Ticks run (a tick due while the previous one still runs is skipped: it has no execution).
		await().atMost(Duration.ofSeconds(30)).until(() -> calls.find("fast").orElseThrow().ticks().stream()
			.filter((tick) -> tick.execution() != null && tick.execution().status() == ExecutionStatus.SUCCEEDED)
			.count() >= 4);
		// Paused everywhere: no tick starts any more; then every tick's execution has run, once,
		// although three instances tick it.
		calls.pause("fast");
		io.execution.async.Executions executions = third.getBean(io.execution.async.Executions.class);
		java.util.function.IntSupplier started = () -> (int) executions
			.list(io.execution.async.ExecutionQuery.newest(1000).withService("ticker"))
			.stream()
			.filter((record) -> "fast".equals(record.method()))
			.count();
		await().atMost(Duration.ofSeconds(10)).during(Duration.ofMillis(1500))
			.until(() -> started.getAsInt() == TickerService.runs("fast"));
		assertThat(TickerService.runs("fast")).isEqualTo(started.getAsInt()).isPositive();
		assertThat(third.getBean(RecurringStore.class).recent("fast").size()).isGreaterThanOrEqualTo(
				Math.min(RecurringStore.HISTORY, started.getAsInt()));
	}

	/**
	 * On a Redis Cluster: two instances tick; each tick once, its state and its key in their
	 * slots; a failed attempt of a queued call retried on the Cluster too (retry.lua's keys share
	 * the queue's slot).
	 */
	@Test
	void onARedisClusterEachTickRunsOnceAndAFailedAttemptIsRetried() throws Exception {
		io.execution.redis.TestRedisTopology cluster = io.execution.redis.TestRedisTopology.cluster();
		// Closed after the applications, which would wait on a Cluster gone first.
		this.after.add(cluster);
		{
			List<String> properties = new ArrayList<>(List.of(cluster.properties()));
			properties.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=c",
					"execution.endpoints.ticker.queue=ticker", "execution.worker.enabled=true",
					"execution.worker.queues=ticker"));
			start(properties.toArray(String[]::new));
			ConfigurableApplicationContext second = start(properties.toArray(String[]::new));
			RecurringCalls calls = second.getBean(RecurringCalls.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> calls.find("fast").orElseThrow().ticks().size() >= 3);
			calls.pause("fast");
			RecurringStore store = second.getBean(RecurringStore.class);
			await().atMost(Duration.ofSeconds(10)).during(Duration.ofMillis(1500))
				.until(() -> store.recent("fast").size() == TickerService.runs("fast"));
			// A retried call on the Cluster: the next attempt scheduled in the queue's slot.
			Ticker ticker = second.getBean(Ticker.class);
			assertThat(ticker.flaky("cluster-" + System.nanoTime())).startsWith("ok after 2");
		}
	}

	@Test
	void theConfiguredCallsTickAndABadOneStopsTheStartNamingItsProperty() {
		ConfigurableApplicationContext app = start("execution.recurring.calls.configured.call=ticker.fast",
				"execution.recurring.calls.configured.every=1s");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> app.getBean(RecurringCalls.class).find("configured").orElseThrow().ticks().size() >= 2);
		assertThatThrownBy(() -> start("execution.recurring.calls.wrong.call=ticker.fast",
				"execution.recurring.calls.wrong.cron=0 0 25 * * *"))
			.hasStackTraceContaining("calls.wrong.cron")
			.hasStackTraceContaining("is not a cron expression");
		assertThatThrownBy(() -> start("execution.recurring.calls.wrong.call=ticker.slow",
				"execution.recurring.calls.wrong.every=5s"))
			.hasStackTraceContaining(ExecutionDefinitionException.class.getName())
			.hasStackTraceContaining("execution.recurring.calls.wrong.call = ticker.slow");
	}

	@ParameterizedTest
	@EnumSource(RecurringCall.Missed.class)
	void ticksMissedWhileNoInstanceRanFollowTheirPolicy(RecurringCall.Missed missed) {
		ConfigurableApplicationContext app = start("execution.recurring.enabled=true");
		RecurringStore store = app.getBean(RecurringStore.class);
		Ticker ticker = app.getBean(Ticker.class);
		String label = "missed-" + missed;
		// The last tick ran 5 h 30 min ago; hourly, so five were missed.
		store.ticked(label, Instant.now().minus(Duration.ofMinutes(330)));
		app.getBean(RecurringCalls.class)
			.register(RecurringCall.of(label, Recurrence.every(Duration.ofHours(1)), () -> ticker.quick(label))
				.missed(missed, 3));
		int expected = switch (missed) {
			case SKIP -> 0;
			case RUN_ONCE -> 1;
			case RUN_ALL -> 3;
		};
		await().atMost(Duration.ofSeconds(10)).until(() -> TickerService.runs(label) == expected);
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
			.until(() -> TickerService.runs(label) == expected);
		if (expected > 0) {
			List<RecurringState.Tick> ticks = app.getBean(RecurringCalls.class).find(label).orElseThrow().ticks();
			// The latest missed ones, each an hour apart, the newest within the last hour.
			assertThat(ticks.get(0).dueAt()).isAfter(Instant.now().minus(Duration.ofHours(1)));
			assertThat(ticks.get(0).execution()).isNotNull();
		}
	}

	@ParameterizedTest
	@EnumSource(RecurringCall.Overlap.class)
	void aTickDueWhileThePreviousRunsFollowsItsPolicy(RecurringCall.Overlap overlap) {
		ConfigurableApplicationContext app = start();
		Ticker ticker = app.getBean(Ticker.class);
		RecurringCalls calls = app.getBean(RecurringCalls.class);
		String name = "slow-" + overlap;
		// Each tick takes 2.5 s and one is due every second.
		calls.register(RecurringCall.of(name, Recurrence.every(Duration.ofSeconds(1)), () -> ticker.slow(2_500))
			.overlap(overlap));
		await().atMost(Duration.ofSeconds(20)).until(() -> calls.find(name).orElseThrow().ticks().size() >= 4);
		calls.unregister(name);
		List<RecurringState.Tick> ticks = calls.find(name).map(RecurringState::ticks).orElse(List.of());
		switch (overlap) {
			case SKIP -> {
				assertThat(TickerService.MOST_AT_ONCE.get()).isEqualTo(1);
				assertThat(app.getBean(RecurringStore.class).recent(name)).hasSizeGreaterThan(TickerService.runs("slow"));
			}
			case QUEUE -> assertThat(TickerService.MOST_AT_ONCE.get()).isEqualTo(1);
			case PARALLEL -> assertThat(TickerService.MOST_AT_ONCE.get()).isGreaterThanOrEqualTo(2);
		}
		assertThat(ticks).isEmpty();
	}

	@ParameterizedTest
	@org.junit.jupiter.params.provider.CsvSource({ "redis, SKIP", "redis, QUEUE", "jdbc, SKIP", "jdbc, QUEUE" })
	void aLocalTickLeftRunningByAnInstanceThatStoppedEndsAfterItsDeadlineAndTheTicksGoOn(String backend,
			RecurringCall.Overlap overlap) {
		ConfigurableApplicationContext app = start(SharedBackends.properties(backend, SharedBackends.prefix()));
		RecurringStore store = app.getBean(RecurringStore.class);
		ExecutionStore executions = app.getBean(DefaultExecutions.class).store();
		String name = "orphan-" + overlap;
		// An instance stopped a minute into a tick whose deadline was 2 s, its execution left RUNNING.
		Instant due = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String orphan = UUID.randomUUID().toString();
		assertThat(executions.claim(RecurringScheduler.key(name, due), orphan)).isEmpty();
		executions.create(ExecutionRecord.pending(orphan, "ticker", "quick", 1, "ticker", "local", due));
		executions.running(orphan, "gone-host-1", due);
		store.ticked(name, due);
		Ticker ticker = app.getBean(Ticker.class);
		app.getBean(RecurringCalls.class)
			.register(RecurringCall.of(name, Recurrence.every(Duration.ofSeconds(1)), () -> ticker.quick(name))
				.overlap(overlap)
				.timeout(Duration.ofSeconds(2)));
		await().atMost(Duration.ofSeconds(15)).until(() -> TickerService.runs(name) >= 2);
		ExecutionRecord ended = executions.find(orphan).orElseThrow();
		assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
		assertThat(ended.error().code()).isEqualTo("may-have-run");
		assertThat(ended.error().message()).contains("gone-host-1").contains("stopped before it ended");
	}

	@Test
	void aPausedCallSkipsItsTicksEverywhereUntilResumedAndATriggerRunsItNow() throws Exception {
		String prefix = "p" + Long.toHexString(System.nanoTime());
		ConfigurableApplicationContext one = start(redis(prefix));
		ConfigurableApplicationContext other = start(redis(prefix, "server.port=0",
				"management.endpoints.web.exposure.include=execution"));
		RecurringCalls calls = one.getBean(RecurringCalls.class);
		await().atMost(Duration.ofSeconds(15)).until(() -> TickerService.runs("fast") >= 1);
		calls.pause("fast");
		assertThat(other.getBean(RecurringCalls.class).find("fast").orElseThrow().paused()).isTrue();
		int paused = TickerService.runs("fast");
		// A tick begun as the pause came may end; then none for two seconds.
		await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(2_200))
			.until(() -> TickerService.runs("fast") <= paused + 1);

		String base = "http://localhost:" + other.getEnvironment().getProperty("local.server.port")
				+ "/actuator/execution/recurring/fast/";
		HttpClient http = HttpClient.newHttpClient();
		int before = TickerService.runs("fast");
		HttpResponse<String> triggered = http.send(HttpRequest.newBuilder(URI.create(base + "trigger"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(triggered.statusCode()).isEqualTo(200);
		assertThat(triggered.body()).contains("\"triggered\":").contains("\"paused\":true");
		await().atMost(Duration.ofSeconds(10)).until(() -> TickerService.runs("fast") == before + 1);

		HttpResponse<String> resumed = http.send(HttpRequest.newBuilder(URI.create(base + "resume"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(resumed.body()).contains("\"paused\":false");
		await().atMost(Duration.ofSeconds(10)).until(() -> TickerService.runs("fast") >= before + 3);
		HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base.replace("/fast/", "/nope/")
				+ "pause")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(unknown.statusCode()).isEqualTo(400);
		HttpResponse<String> shown = http.send(HttpRequest.newBuilder(URI.create(base.replace("/recurring/fast/", "")))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(shown.body()).contains("\"recurring\":[").contains("\"name\":\"fast\"");
	}

}
