package io.execution.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.httpit.worker.WorkerApplication;
import io.execution.redis.Ledger;
import io.execution.redis.RedisApplication;
import io.execution.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker or a broken producer sends, generated: every request to the HTTP routes gets
 * an answer with a stable code and never a 500 or a stack trace; every entry written straight into
 * a Redis queue's stream leaves the pool serving.
 */
class HostileInputTest {

	private static final String TOKEN = "fuzz-token";

	private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 401, 404, 409, 413, 503, 504);

	private static final List<String> HOSTILE = List.of("null", "true", "0", "-1", "1.5", "1e400", "2147483648",
			"-9223372036854775809", "9223372036854775807", "99999999999999999999", "\"\"", "\"billing\"", "\"charge\"",
			"\"echo\"", "\"\\u0000\"", "\"a\\nb\"", "[]", "[1]", "[\"x\"]", "[\"o-1\",250]", "[{}]", "[[]]", "{}",
			"{\"a\":1}", "[null,null,null]", "\"" + "x".repeat(300) + "\"");

	private static final List<String> FIELDS = List.of("v", "id", "service", "method", "args", "timeoutMs", "chain",
			"trace", "execution", "stream");

	private static ConfigurableApplicationContext server;

	private static String base;

	private static ConfigurableApplicationContext worker;

	private static Ledger ledger;

	private static RedisClient client;

	private static RedisCommands<String, String> redis;

	private static String prefix;

	private static final AtomicInteger probes = new AtomicInteger();

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeContainer
	static void start() {
		server = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"test.instance=fuzz", "execution.http.payload-limit=16KB", "spring.main.banner-mode=off",
					"execution.http.server.max-timeout=2s")
			.run();
		base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/execution/v1";
		TestRedis shared = TestRedis.shared();
		prefix = "fuzz" + UUID.randomUUID();
		String[] properties = { "spring.main.banner-mode=off", "execution.queue.backend=redis",
				"execution.queue.redis.prefix=" + prefix, "execution.endpoints.ledger.queue=ledger",
				"execution.endpoints.ledger.timeout=5s" };
		worker = new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties(shared.properties())
			.properties(properties)
			.properties("execution.worker.enabled=true", "execution.worker.queues=ledger,lab,sleeper")
			.run();
		ledger = worker.getBean(Ledger.class);
		client = RedisClient.create("redis://" + shared.host() + ":" + shared.port());
		redis = client.connect().sync();
	}

	@AfterContainer
	static void stop() {
		server.close();
		worker.close();
		client.shutdown();
	}

	@Property(tries = 400)
	void everyEnvelopeGetsAStableAnswerNeverA500(@ForAll("envelopes") String body, @ForAll("routes") String route)
			throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base + route))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + TOKEN)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(body).isIn(ANSWERS);
		assertThat(response.body()).as(body).doesNotContain("\tat ").doesNotContain("Exception:");
	}

	@Property(tries = 150)
	void everyEntryAProducerWritesLeavesThePoolServing(@ForAll("entries") Map<String, String> entry) throws Exception {
		redis.xadd(prefix + ":{q:ledger}:requests", entry);
		String probe = "probe-" + probes.incrementAndGet();
		assertThat(ledger.write(probe).get(10, TimeUnit.SECONDS)).isEqualTo("wrote " + probe);
	}

	@Provide
	Arbitrary<String> routes() {
		return Arbitraries.of("/invocations", "/executions");
	}

	@Provide
	Arbitrary<String> envelopes() {
		Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of(HOSTILE),
				Arbitraries.longs().map(String::valueOf),
				Arbitraries.strings().ofMaxLength(12).map((text) -> "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"")
					.replaceAll("[\\x00-\\x1f]", "") + "\""));
		Arbitrary<String> field = Combinators.combine(Arbitraries.of(FIELDS), value)
			.as((name, json) -> "\"" + name + "\":" + json);
		Arbitrary<String> objects = field.list().ofMaxSize(FIELDS.size())
			.map((fields) -> "{" + String.join(",", fields) + "}");
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, objects),
				net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
				net.jqwik.api.Tuple.of(1, Arbitraries.of("", "{", "[]", "null", "{\"service\":")));
	}

	@Provide
	Arbitrary<Map<String, String>> entries() {
		Arbitrary<String> values = Arbitraries.oneOf(
				Arbitraries.of("", "0", "-1", "soon", "1e3", "9223372036854775807", "99999999999999999999", "{}",
						"{\"v\":1,\"service\":\"ledger\",\"method\":\"write\",\"args\":[\"x\"]}", "not json", "\u0000",
						"a\nb", "victim", prefix + ":{c:someone}:replies", prefix + ":{c:}:replies", "1"),
				Arbitraries.strings().ofMaxLength(20));
		return Arbitraries.maps(Arbitraries.of("id", "body", "reply", "deadline", "idem", "extra"), values)
			.ofMinSize(1)
			.ofMaxSize(6);
	}

}
