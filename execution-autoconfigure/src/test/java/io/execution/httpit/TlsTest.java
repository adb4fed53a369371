package io.execution.httpit;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.execution.ExecutionException;
import io.execution.http.HttpClientCustomizer;
import io.execution.httpit.caller.Billing;
import io.execution.httpit.caller.CallerApplication;
import io.execution.httpit.worker.WorkerApplication;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Http mode over TLS with Spring Boot's SSL bundles: a real Tomcat that requires a client
 * certificate, callers that present one from the endpoint's bundle (or Boot's default bundle
 * for HTTP clients), HTTP/2 when asked for.
 */
class TlsTest {

	private static final String[] SERVER = { "server.port=0", "execution.http.server.enabled=true", "test.instance=tls",
			"spring.main.banner-mode=off", "server.ssl.bundle=server", "server.ssl.client-auth=need",
			"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
			"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key",
			"spring.ssl.bundle.pem.server.truststore.certificate=classpath:tls/ca.crt" };

	private static final String[] CLIENT_BUNDLES = { "spring.main.banner-mode=off",
			"spring.ssl.bundle.pem.client.keystore.certificate=classpath:tls/client.crt",
			"spring.ssl.bundle.pem.client.keystore.private-key=classpath:tls/client.key",
			"spring.ssl.bundle.pem.client.truststore.certificate=classpath:tls/ca.crt",
			"spring.ssl.bundle.pem.stranger.keystore.certificate=classpath:tls/other.crt",
			"spring.ssl.bundle.pem.stranger.keystore.private-key=classpath:tls/other.key",
			"spring.ssl.bundle.pem.stranger.truststore.certificate=classpath:tls/ca.crt" };

	/**
	 * Records the protocol of each request the server receives, and the client port of each
	 * invocation (one port, one connection).
	 */
	static final class Protocols implements Filter {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final List<Integer> invocationPorts = new CopyOnWriteArrayList<>();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			this.seen.add(request.getProtocol());
			if (((jakarta.servlet.http.HttpServletRequest) request).getRequestURI().endsWith("/v1/invocations")) {
				this.invocationPorts.add(request.getRemotePort());
			}
			chain.doFilter(request, response);
		}

	}

	private static ConfigurableApplicationContext server(Protocols protocols, String... extra) {
		return new SpringApplicationBuilder(WorkerApplication.class)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("protocols", protocols))
			.properties(SERVER)
			.properties(extra)
			.run();
	}

	private static ConfigurableApplicationContext caller(ConfigurableApplicationContext server, String... properties) {
		return new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
			.properties(CLIENT_BUNDLES)
			.properties("execution.endpoints.billing.urls=https://localhost:"
					+ server.getEnvironment().getProperty("local.server.port"))
			.properties(properties)
			.run();
	}

	@Test
	void mutualTlsWithTheEndpointsSslBundle() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols);
				ConfigurableApplicationContext caller = caller(server, "execution.endpoints.billing.ssl-bundle=client")) {
			assertThat(caller.getBean(Billing.class).quote("x")).isEqualTo("tls");
			assertThat(protocols.seen).isNotEmpty().allMatch("HTTP/1.1"::equals);
		}
	}

	@Test
	void synchronousCallsKeepTheirTlsConnection() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols);
				ConfigurableApplicationContext caller = caller(server, "execution.endpoints.billing.ssl-bundle=client")) {
			Billing billing = caller.getBean(Billing.class);
			for (int i = 0; i < 20; i++) {
				assertThat(billing.quote("x")).isEqualTo("tls");
			}
			// Checked before every use, a connection is given up only when the server closed it.
			assertThat(protocols.invocationPorts).hasSize(20);
			assertThat(new java.util.HashSet<>(protocols.invocationPorts)).hasSize(1);
		}
	}

	@Test
	void http2OverTlsWhenAskedFor() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols, "server.http2.enabled=true");
				ConfigurableApplicationContext caller = caller(server, "execution.endpoints.billing.ssl-bundle=client",
						"execution.http.version=HTTP_2")) {
			assertThat(caller.getBean(Billing.class).quote("x")).isEqualTo("tls");
			assertThat(protocols.seen).isNotEmpty().allMatch("HTTP/2.0"::equals);
		}
	}

	@Test
	void anHttpClientCustomizerBeanAdjustsTheClients() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols, "server.http2.enabled=true");
				ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
					.web(WebApplicationType.NONE)
					.initializers((ctx) -> ctx.getBeanFactory()
						.registerSingleton("http2", (HttpClientCustomizer) (builder) -> builder.version(HttpClient.Version.HTTP_2)))
					.properties(CLIENT_BUNDLES)
					.properties("execution.endpoints.billing.urls=https://localhost:"
							+ server.getEnvironment().getProperty("local.server.port"),
							"execution.endpoints.billing.ssl-bundle=client")
					.run()) {
			assertThat(caller.getBean(Billing.class).quote("x")).isEqualTo("tls");
			assertThat(protocols.seen).isNotEmpty().allMatch("HTTP/2.0"::equals);
		}
	}

	@Test
	void bootsDefaultBundleForHttpClientsServesEndpointsThatNameNone() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols);
				ConfigurableApplicationContext caller = caller(server, "spring.http.clients.ssl.bundle=client")) {
			assertThat(caller.getBean(Billing.class).quote("x")).isEqualTo("tls");
		}
	}

	@Test
	void aClientWhoseCertificateTheServerDoesNotTrustIsRefused() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols);
				ConfigurableApplicationContext caller = caller(server, "execution.endpoints.billing.ssl-bundle=stranger",
						"execution.endpoints.billing.retry.max-attempts=1")) {
			assertThatThrownBy(() -> caller.getBean(Billing.class).quote("x")).isInstanceOf(ExecutionException.class);
			assertThat(protocols.seen).isEmpty();
		}
	}

	@Test
	void anUnknownBundleStopsTheStartNamingTheProperty() {
		Protocols protocols = new Protocols();
		try (ConfigurableApplicationContext server = server(protocols)) {
			assertThatThrownBy(() -> caller(server, "execution.endpoints.billing.ssl-bundle=clinet").close())
				.hasStackTraceContaining("execution.endpoints.billing.ssl-bundle")
				.hasStackTraceContaining("spring.ssl.bundle.pem.clinet");
		}
	}

}
