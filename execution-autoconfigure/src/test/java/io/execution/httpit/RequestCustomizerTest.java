package io.execution.httpit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.execution.http.HttpRequestCustomizer;
import io.execution.httpit.caller.Billing;
import io.execution.httpit.caller.CallerApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An application's {@link HttpRequestCustomizer} beans add to every request an http endpoint
 * sends, after the bearer token: what a security layer in front of the instances asks for.
 */
class RequestCustomizerTest {

	@Test
	void everyRequestCarriesTheTokenAndWhatTheCustomizersAdd() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", (exchange) -> {
			seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
					+ exchange.getRequestHeaders().getFirst("Authorization") + " "
					+ exchange.getRequestHeaders().getFirst("X-Tenant"));
			byte[] body = "{\"status\":503,\"error\":\"rejected\",\"message\":\"busy\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(503, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/execution";
		try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class,
				Customizers.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.billing.urls=" + url,
					"execution.endpoints.billing.retry.max-attempts=1", "execution.http.auth.token=s3cret")
			.run()) {
			// The start-up ping, then a call.
			await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
			assertThat(seen.get(0)).isEqualTo("GET /execution/v1/ping Bearer s3cret acme");
			assertThatThrownBy(() -> caller.getBean(Billing.class).quote("q")).isNotNull();
			assertThat(seen).contains("POST /execution/v1/invocations Bearer s3cret acme");
		}
		finally {
			server.stop(0);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		HttpRequestCustomizer tenant() {
			return (endpoint, request) -> request.header("X-Tenant", "billing".equals(endpoint) ? "acme" : "?");
		}

	}

}
