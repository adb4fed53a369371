package io.execution.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import io.execution.AllEndpointsFailedException;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.ClientMethod;
import io.execution.core.Dispatcher;
import io.execution.core.EndpointDefinition;
import io.execution.core.Endpoints;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.resilience.CircuitBreakers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The http transport's one set of attempt rules, without Spring: over real HTTP servers on
 * random ports, calls and streams alike pass over an instance without Execution's routes for
 * one that answers, and when none answers the caller is told which route is missing.
 */
class InstanceAttemptsTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final AtomicInteger missed = new AtomicInteger();

	private HttpServer routeless;

	private HttpServer answering;

	private ExecutionTimer timer;

	private Dispatcher dispatcher;

	public interface Echo {

		String echo(String text);

		Stream<String> letters(String text);

	}

	@BeforeEach
	void start() throws IOException {
		this.routeless = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.routeless.createContext("/", (exchange) -> {
			this.missed.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		});
		this.routeless.start();
		// Answers every envelope with its first argument, or its letters for a stream (all at once).
		this.answering = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.answering.createContext("/execution/v1/invocations", (exchange) -> {
			JsonNode request = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
			String text = request.path("args").path(0).asString();
			Object result = "letters".equals(request.path("method").asString()) ? List.of(text.split("")) : text;
			byte[] body = MAPPER.writeValueAsBytes(java.util.Map.of("v", 1, "id", request.path("id").asString(),
					"ok", true, "result", result));
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.answering.start();
		this.timer = new ExecutionTimer();
	}

	@AfterEach
	void stop() {
		if (this.dispatcher != null) {
			this.dispatcher.close();
		}
		this.timer.close();
		this.routeless.stop(0);
		this.answering.stop(0);
	}

	private static URI url(HttpServer server) {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
	}

	private Dispatcher dispatcher(List<URI> urls) {
		EnvelopeCodec codec = new EnvelopeCodec(MAPPER);
		HttpSettings settings = new HttpSettings(null, 32 * 1024, 4 * 1024 * 1024, "/v1/capabilities", Duration.ZERO,
				Duration.ofSeconds(2), List.of(), HttpSettings.SyncClient.JDK);
		CircuitBreakers breakers = new CircuitBreakers(CircuitBreakerRegistry.ofDefaults(), 5, Duration.ofSeconds(10),
				java.util.Set.of());
		HttpClientFactory clients = (bundle, transport) -> {
			HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
			transport.accept(builder);
			return builder.build();
		};
		HttpTransportFactory http = new HttpTransportFactory(codec, settings,
				(name) -> new HttpEndpointSettings(urls, LoadBalancer.Strategy.ROUND_ROBIN, 3, Duration.ofMillis(1), null,
						null),
				breakers, RetryRegistry.ofDefaults(), clients, ExecutionEvents.NONE, this.timer, java.util.Set.of(), List.of(),
				Duration.ofSeconds(30));
		Endpoints endpoints = new Endpoints(List.of(new EndpointDefinition("echo", "http", Duration.ofSeconds(10))),
				List.of(http), (name) -> false, Duration.ofSeconds(10), breakers::forEndpoint);
		this.dispatcher = new Dispatcher(endpoints, List.of(), ObservationRegistry.NOOP, ExecutionEvents.NONE,
				this.timer);
		return this.dispatcher;
	}

	private static ClientMethod method(String name) throws Exception {
		return ClientMethod.of("echo", Echo.class.getMethod(name, String.class), MAPPER, false);
	}

	@Test
	void callsAndStreamsPassOverAUrlWithoutRoutesAlike() throws Exception {
		Dispatcher dispatcher = dispatcher(List.of(url(this.routeless), url(this.answering)));
		for (int i = 0; i < 4; i++) {
			assertThat(dispatcher.call(method("echo"), new Object[] { "call-" + i })).isEqualTo("call-" + i);
			try (Stream<Object> letters = dispatcher.stream(method("letters"), new Object[] { "abc" })) {
				assertThat(letters.toList()).containsExactly("a", "b", "c");
			}
		}
		// Round robin sent some of each to the URL without routes: each went on to the other.
		assertThat(this.missed.get()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void aHostThatDoesNotResolveIsSaidSo() {
		Dispatcher dispatcher = dispatcher(List.of(java.net.URI.create("http://no-such-host.invalid:8080")));
		assertThatThrownBy(() -> dispatcher.call(method("echo"), new Object[] { "x" }))
			.hasMessageContaining("Cannot connect to")
			.hasMessageContaining("host 'no-such-host.invalid' does not resolve");
	}

	@Test
	void whenNoUrlHasRoutesCallsAndStreamsNameTheRouteAndTheSwitch() throws Exception {
		Dispatcher dispatcher = dispatcher(List.of(url(this.routeless)));
		assertThatThrownBy(() -> dispatcher.call(method("echo"), new Object[] { "x" }))
			.isInstanceOf(AllEndpointsFailedException.class)
			.hasMessageContaining("No Execution routes at " + url(this.routeless) + "/execution/v1/invocations")
			.hasMessageContaining("execution.http.server.enabled=true");
		assertThatThrownBy(() -> dispatcher.stream(method("letters"), new Object[] { "x" }))
			.isInstanceOf(AllEndpointsFailedException.class)
			.hasMessageStartingWith("Stream ")
			.hasMessageContaining("/execution/v1/invocations");
	}

}
