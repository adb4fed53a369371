package io.execution.httpit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import io.execution.async.Executions;
import io.execution.core.Endpoints;
import io.execution.http.HttpTransport;
import io.execution.http.Instance;
import io.execution.httpit.caller.Billing;
import io.execution.streams.Feeds;
import io.execution.streams.FeedsApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls, streams and executions started at another instance go through one request loop: the
 * same choice of instance (an instance whose breaker is open is passed over) and the same rules
 * for a failed attempt (a URL without Execution routes never ran the call, so the next one is
 * tried).
 */
class RequestLoopTest {

	private static HttpServer routeless;

	private static ConfigurableApplicationContext up;

	private static ConfigurableApplicationContext other;

	private static ConfigurableApplicationContext feeds;

	@BeforeAll
	static void start() throws IOException {
		// An application without Execution's routes: 404 for everything, as Spring MVC would answer.
		routeless = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		routeless.createContext("/", (exchange) -> {
			byte[] body = "{\"timestamp\":\"now\",\"status\":404,\"error\":\"Not Found\",\"path\":\"/\"}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(404, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		routeless.start();
		up = GuardsTest.worker("up", 0);
		other = GuardsTest.worker("other", 0);
		feeds = new SpringApplicationBuilder(FeedsApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "spring.main.banner-mode=off")
			.run();
	}

	@AfterAll
	static void stop() {
		routeless.stop(0);
		feeds.close();
		GuardsTest.stopWorkers();
	}

	private static String routelessUrl() {
		return "http://127.0.0.1:" + routeless.getAddress().getPort();
	}

	@Test
	void aUrlWithoutRoutesIsPassedOverByCallsExecutionsAndStreamsAlike() throws Exception {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + routelessUrl() + "," + GuardsTest.url(up),
				"execution.http.health-check.interval=0")) {
			Billing billing = caller.getBean(Billing.class);
			Executions executions = caller.getBean(Executions.class);
			for (int i = 0; i < 4; i++) {
				assertThat(billing.quote("call-" + i)).contains("up");
				assertThat(executions.start(() -> billing.quote("execution")).await(Duration.ofSeconds(10)))
					.contains("up");
			}
		}
		try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(FeedsApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.feeds.mode=http",
					"execution.endpoints.feeds.urls=" + routelessUrl() + ","
							+ GuardsTest.url(feeds),
					"execution.http.health-check.interval=0")
			.run()) {
			Feeds client = caller.getBean(Feeds.class);
			for (int i = 0; i < 4; i++) {
				try (Stream<Integer> numbers = client.count(3)) {
					assertThat(numbers.toList()).containsExactly(1, 2, 3);
				}
			}
		}
	}

	@Test
	void executionsPassOverAnInstanceWhoseBreakerIsOpenAsCallsDo() throws Exception {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + GuardsTest.url(up) + "," + GuardsTest.url(other),
				"execution.http.health-check.interval=0", "execution.circuit-breaker.open-duration=1h")) {
			HttpTransport transport = (HttpTransport) caller.getBean(Endpoints.class).resolve("billing").transport();
			Instance closed = transport.instances().get(1);
			closed.breaker().transitionToOpenState();
			Billing billing = caller.getBean(Billing.class);
			Executions executions = caller.getBean(Executions.class);
			Map<String, Integer> calls = new HashMap<>();
			Map<String, Integer> started = new HashMap<>();
			for (int i = 0; i < 6; i++) {
				calls.merge(billing.quote("call"), 1, Integer::sum);
				started.merge(executions.start(() -> billing.quote("execution")).await(Duration.ofSeconds(10)), 1,
						Integer::sum);
			}
			assertThat(calls.keySet()).allMatch((answer) -> answer.contains("up"));
			assertThat(started.keySet()).allMatch((answer) -> answer.contains("up"));
			assertThat(List.copyOf(started.values())).containsExactly(6);
		}
	}

}
