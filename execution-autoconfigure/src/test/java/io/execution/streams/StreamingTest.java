package io.execution.streams;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.execution.ExecutionTimeoutException;
import io.execution.RemoteExecutionException;
import io.execution.fixtures.SharedBackends;
import io.execution.redis.TestRedis;
import io.execution.streams.Feeds.Tick;
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
 * Streaming results: in this JVM, from another instance over HTTP as NDJSON, and through queues
 * in memory, in Redis and in PostgreSQL as chunks.
 */
class StreamingTest {

	private static final List<Integer> TEN_THOUSAND = IntStream.rangeClosed(1, 10_000).boxed().toList();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext run(WebApplicationType web, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FeedsApplication.class).web(web)
			.properties("spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private ConfigurableApplicationContext server() {
		return run(WebApplicationType.SERVLET, "server.port=0", "execution.http.server.enabled=true",
				"execution.http.auth.token=feeds");
	}

	private static String[] redis(String... properties) {
		List<String> all = new ArrayList<>(List.of(TestRedis.shared().properties()));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

	private static String url(ConfigurableApplicationContext server) {
		return "http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/execution";
	}

	/**
	 * The deadline of a stream over a shared backend: a hundred thousand elements in ~400 chunks,
	 * each a round trip through Redis or PostgreSQL, took over 30 s (the default) on 2 cores beside
	 * two busy loops. The tests check order and back-pressure, not speed.
	 */
	private static final String QUEUED_STREAM_TIMEOUT = "90s";

	private Feeds feeds(String mode) {
		ConfigurableApplicationContext caller = switch (mode) {
			case "http" -> run(WebApplicationType.NONE, "execution.endpoints.feeds.mode=http",
					"execution.endpoints.feeds.urls=" + url(server()), "execution.http.auth.token=feeds",
					"execution.endpoints.feeds.timeout=20s");
			case "queue" -> run(WebApplicationType.NONE, "execution.endpoints.feeds.mode=queue",
					"execution.worker.enabled=true", "execution.worker.queues=feeds");
			case "redis-queue" -> {
				String prefix = "s" + UUID.randomUUID();
				run(WebApplicationType.NONE, redis("execution.queue.backend=redis", "execution.queue.redis.prefix=" + prefix,
						"execution.worker.enabled=true", "execution.worker.queues=feeds"));
				yield run(WebApplicationType.NONE, redis("execution.queue.backend=redis",
						"execution.queue.redis.prefix=" + prefix, "execution.endpoints.feeds.mode=queue",
						"execution.endpoints.feeds.timeout=" + QUEUED_STREAM_TIMEOUT));
			}
			case "jdbc-queue" -> {
				String prefix = SharedBackends.prefix();
				run(WebApplicationType.NONE, SharedBackends.properties(SharedBackends.JDBC, prefix,
						"execution.worker.enabled=true", "execution.worker.queues=feeds"));
				yield run(WebApplicationType.NONE, SharedBackends.properties(SharedBackends.JDBC, prefix,
						"execution.endpoints.feeds.mode=queue", "execution.endpoints.feeds.timeout=" + QUEUED_STREAM_TIMEOUT));
			}
			default -> run(WebApplicationType.NONE);
		};
		return caller.getBean(Feeds.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "http", "queue", "redis-queue", "jdbc-queue" })
	void tenThousandElementsArriveCompleteAndInOrder(String mode) {
		Feeds feeds = feeds(mode);

		try (Stream<Integer> numbers = feeds.count(10_000)) {
			assertThat(numbers.toList()).isEqualTo(TEN_THOUSAND);
		}
		assertThat(feeds.countFlux(10_000).collectList().block(Duration.ofSeconds(20))).isEqualTo(TEN_THOUSAND);
		try (Stream<Tick> ticks = feeds.ticks(3)) {
			assertThat(ticks.toList()).containsExactly(new Tick(1, "tick 1"), new Tick(2, "tick 2"),
					new Tick(3, "tick 3"));
		}
	}

	/**
	 * A consumer slower than its producer, for 100,000 elements: the producer is held back, never
	 * further ahead than the mode's window (a queue's grants, HTTP's TCP window, nothing when
	 * local: the caller pulls), so what waits between them stays bounded.
	 */
	/** The most a sending and a receiving TCP socket buffer hold here (Linux autotuning's maxima). */
	private static long socketBufferBytes() {
		long total = 0;
		for (String file : new String[] { "/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem" }) {
			try {
				// Read as a stream: procfs says its files are empty, and Files.readString trusts that.
				String[] values;
				try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
					values = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
				}
				total += Long.parseLong(values[values.length - 1]);
			}
			catch (java.io.IOException | RuntimeException ex) {
				total += 4 << 20;
			}
		}
		return total;
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "http", "queue", "redis-queue", "jdbc-queue" })
	void aSlowConsumerOfAHundredThousandElementsHoldsItsProducerBack(String mode) throws Exception {
		Feeds feeds = feeds(mode);
		String name = "slow-" + mode + "-" + UUID.randomUUID();
		long most = switch (mode) {
			// The caller pulls each element from the service's own stream.
			case "local" -> 1;
			// The grants: a window of chunks of up to 256 elements, one chunk filling, one being read.
			case "queue", "redis-queue", "jdbc-queue" -> (io.execution.queue.StreamDemand.WINDOW + 2) * 256L;
			// TCP's window: the socket buffers on both sides, which the kernel grows up to its maxima,
			// six bytes an element ("12345\n"), and the servlet's and client's own buffers.
			default -> socketBufferBytes() / 6 + 60_000;
		};
		long lead = 0;
		try (Stream<Integer> numbers = feeds.endless(name)) {
			java.util.Iterator<Integer> reading = numbers.iterator();
			for (int read = 1; read <= 100_000; read++) {
				assertThat(reading.next()).isEqualTo(read);
				lead = Math.max(lead, FeedsService.produced(name) - read);
				if (read % 500 == 0) {
					// Slower than the producer: without back-pressure it would run far ahead.
					Thread.sleep(2);
				}
			}
		}
		System.out.println("stream lead " + mode + ": " + lead);
		assertThat(lead).as("how far the producer ran ahead of the consumer").isLessThanOrEqualTo(most);
		await().atMost(Duration.ofSeconds(10)).until(() -> FeedsService.closed.contains(name));
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "http", "queue", "redis-queue", "jdbc-queue" })
	void closingAStreamStopsItsProducer(String mode) {
		Feeds feeds = feeds(mode);
		String name = "endless-" + UUID.randomUUID();

		try (Stream<Integer> numbers = feeds.endless(name)) {
			assertThat(numbers.limit(5).toList()).containsExactly(1, 2, 3, 4, 5);
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> FeedsService.closed.contains(name));
		long produced = FeedsService.produced(name);
		assertThat(produced).isGreaterThanOrEqualTo(5);
		assertThat(FeedsService.produced(name)).as("nothing is produced once closed").isEqualTo(produced);
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "http", "queue", "redis-queue", "jdbc-queue" })
	void cancellingAFluxStopsItsProducer(String mode) {
		Feeds feeds = feeds(mode);
		String name = "endless-flux-" + UUID.randomUUID();

		assertThat(feeds.endlessFlux(name).take(5).collectList().block(Duration.ofSeconds(20))).containsExactly(1, 2, 3,
				4, 5);

		await().atMost(Duration.ofSeconds(10)).until(() -> FeedsService.closed.contains(name));
	}

	@ParameterizedTest
	@ValueSource(strings = { "local", "http", "queue", "redis-queue", "jdbc-queue" })
	void anErrorInTheProducerEndsTheStreamWithIt(String mode) {
		Feeds feeds = feeds(mode);
		List<Integer> received = new ArrayList<>();

		assertThatThrownBy(() -> {
			try (Stream<Integer> numbers = feeds.failAfter(3)) {
				numbers.forEach(received::add);
			}
		}).isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("feed broke after 3")
			.satisfies((ex) -> assertThat(((RemoteExecutionException) ex).getRemoteType())
				.isEqualTo(IllegalStateException.class.getName()));
		assertThat(received).as("elements before the error arrive").containsExactly(1, 2, 3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "queue" })
	void aProducerThatStallsPastTheDeadlineTimesOutAndIsInterrupted(String mode) {
		Feeds feeds = switch (mode) {
			case "http" -> run(WebApplicationType.NONE, "execution.endpoints.feeds.mode=http",
					"execution.endpoints.feeds.urls=" + url(server()), "execution.http.auth.token=feeds",
					"execution.endpoints.feeds.timeout=1s").getBean(Feeds.class);
			default -> run(WebApplicationType.NONE, "execution.endpoints.feeds.mode=queue",
					"execution.endpoints.feeds.timeout=1s", "execution.worker.enabled=true",
					"execution.worker.queues=feeds").getBean(Feeds.class);
		};
		String name = "stall-" + UUID.randomUUID();
		List<Integer> received = new ArrayList<>();

		assertThatThrownBy(() -> {
			try (Stream<Integer> numbers = feeds.stall(name)) {
				numbers.forEach(received::add);
			}
		}).isInstanceOf(ExecutionTimeoutException.class);

		assertThat(received).containsExactly(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> FeedsService.interrupted.contains(name) && FeedsService.closed.contains(name));
	}

	/**
	 * On PostgreSQL a stream opened inside a transaction would be read while the transaction that
	 * holds its call back from the workers waits for it: refused at once, naming the way out, and
	 * nothing queued.
	 */
	@Test
	void onPostgresAStreamOpenedInsideATransactionIsRefusedNamingTheWayOut() {
		Feeds feeds = feeds("jdbc-queue");
		ConfigurableApplicationContext caller = this.contexts.get(this.contexts.size() - 1);
		org.springframework.transaction.support.TransactionTemplate transaction = new org.springframework.transaction.support.TransactionTemplate(
				caller.getBean(org.springframework.transaction.PlatformTransactionManager.class));
		assertThatThrownBy(() -> transaction.executeWithoutResult((status) -> {
			try (Stream<Integer> numbers = feeds.count(3)) {
				numbers.toList();
			}
		})).isInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("stream opened inside a transaction")
			.hasMessageContaining("outside the transaction");
		try (Stream<Integer> numbers = feeds.count(3)) {
			assertThat(numbers.toList()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void aClientThatDoesNotAskForNdjsonGetsAllElementsInOneEnvelope() throws Exception {
		String base = url(server());
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(base + "/v1/invocations"))
				.header("Authorization", "Bearer feeds")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"feeds\",\"method\":\"count\",\"args\":[3]}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"result\":[1,2,3]");

		HttpResponse<String> ndjson = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(base + "/v1/invocations"))
				.header("Authorization", "Bearer feeds")
				.header("Accept", "application/x-ndjson")
				.POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"n1\",\"service\":\"feeds\",\"method\":\"count\",\"args\":[2]}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(ndjson.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type)
			.startsWith("application/x-ndjson"));
		assertThat(ndjson.body()).isEqualTo("{\"item\":1}\n{\"item\":2}\n{\"v\":1,\"id\":\"n1\",\"ok\":true,\"end\":true,\"count\":2}\n");
	}

}
