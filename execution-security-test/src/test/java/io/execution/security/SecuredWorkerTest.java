package io.execution.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.execution.ExecutionClient;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionService;
import io.execution.http.HttpRequestCustomizer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A serving application with Spring Security's defaults (every request needs a login), called
 * by another application over HTTP.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class SecuredWorkerTest {

	private static ConfigurableApplicationContext worker(String... properties) {
		return worker(Object.class, properties);
	}

	private static ConfigurableApplicationContext worker(Class<?> extra, String... properties) {
		return new SpringApplicationBuilder(WorkerApplication.class, extra)
			.properties("server.port=0", "spring.main.banner-mode=off", "execution.http.server.enabled=true",
					"spring.security.user.name=ops", "spring.security.user.password=secret")
			.properties(properties)
			.run();
	}

	private static ConfigurableApplicationContext caller(ConfigurableApplicationContext worker, Class<?> extra,
			String... properties) {
		return new SpringApplicationBuilder(CallerApplication.class, extra).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "execution.endpoints.greeter.retry.max-attempts=1",
					"execution.endpoints.greeter.urls=http://localhost:"
							+ worker.getEnvironment().getProperty("local.server.port"))
			.properties(properties)
			.run();
	}

	private static int status(ConfigurableApplicationContext worker, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:"
					+ worker.getEnvironment().getProperty("local.server.port") + path)).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	@Test
	void withATokenTheRoutesAreGuardedByItAndTheRestOfTheApplicationStaysSecured(CapturedOutput output)
			throws Exception {
		try (ConfigurableApplicationContext worker = worker("execution.http.auth.token=s3cret");
				ConfigurableApplicationContext caller = caller(worker, Object.class, "execution.http.auth.token=s3cret")) {
			assertThat(caller.getBean(Greeter.class).greet("ada")).isEqualTo("hello ada");
			assertThat(status(worker, "/execution/v1/ping")).isEqualTo(401);
			// Boot's default chain still guards the rest: the routes' chain did not replace it.
			assertThat(status(worker, "/anything-else")).isEqualTo(401);
			assertThat(worker.getBeansOfType(SecurityFilterChain.class)).hasSize(2);
		}
		// No ignored paths (Spring Security warns against them), and the log says who guards the routes.
		assertThat(output).doesNotContain("You are asking Spring Security to ignore")
			.contains("Execution's routes at /execution/v1/** are guarded by a bearer token (execution.http.auth.token),"
					+ " in a Spring Security filter chain of their own")
			.doesNotContain("without authentication");
		try (ConfigurableApplicationContext worker = worker("execution.http.auth.token=s3cret");
				ConfigurableApplicationContext caller = caller(worker, Object.class, "execution.http.auth.token=wrong")) {
			assertThatThrownBy(() -> caller.getBean(Greeter.class).greet("eve"))
				.isInstanceOf(ExecutionRejectedException.class);
		}
	}

	@Test
	void withoutATokenTheApplicationsOwnChainGuardsTheRoutesAndACustomizerBringsTheCredentials() throws Exception {
		try (ConfigurableApplicationContext worker = worker(BasicChain.class)) {
			try (ConfigurableApplicationContext caller = caller(worker, Object.class)) {
				assertThatThrownBy(() -> caller.getBean(Greeter.class).greet("eve"))
					.isInstanceOf(ExecutionRejectedException.class)
					.hasMessageContaining("HTTP 401")
					.hasMessageContaining("HttpRequestCustomizer");
			}
			try (ConfigurableApplicationContext caller = caller(worker, BasicCredentials.class)) {
				assertThat(caller.getBean(Greeter.class).greet("ada")).isEqualTo("hello ada");
			}
		}
	}

	@Test
	void withATokenBesideTheApplicationsOwnChainTheTokenGuardsTheRoutesAndTheChainTheRest() throws Exception {
		try (ConfigurableApplicationContext worker = worker(BasicChain.class, "execution.http.auth.token=s3cret");
				ConfigurableApplicationContext caller = caller(worker, Object.class, "execution.http.auth.token=s3cret")) {
			assertThat(caller.getBean(Greeter.class).greet("ada")).isEqualTo("hello ada");
			assertThat(status(worker, "/anything-else")).isEqualTo(401);
			assertThat(status(worker, "/execution/v1/ping")).isEqualTo(401);
		}
	}

	/**
	 * JWTs instead of the token: no execution.http.auth.token, and a chain of the application's
	 * own for the routes as an OAuth2 resource server (docs/http.md shows it).
	 */
	@Test
	void withoutATokenAnOAuth2ResourceServerChainGuardsTheRoutesWithJwts(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext worker = worker(JwtChain.class)) {
			try (ConfigurableApplicationContext caller = caller(worker, Object.class)) {
				assertThatThrownBy(() -> caller.getBean(Greeter.class).greet("eve"))
					.isInstanceOf(ExecutionRejectedException.class)
					.hasMessageContaining("HTTP 401");
			}
			try (ConfigurableApplicationContext caller = caller(worker, JwtCredentials.class)) {
				assertThat(caller.getBean(Greeter.class).greet("ada")).isEqualTo("hello ada");
			}
		}
		assertThat(output).contains("Execution's routes at /execution/v1/** are guarded by the application's Spring"
				+ " Security filter chains");
	}

	/** The key both sides share in the JWT test (HMAC-SHA256). */
	static final javax.crypto.SecretKey JWT_KEY = new javax.crypto.spec.SecretKeySpec(
			"0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

	/** docs/http.md: the worker routes as an OAuth2 resource server, the rest of the application as it was. */
	@Configuration(proxyBeanMethods = false)
	static class JwtChain {

		@Bean
		@org.springframework.core.annotation.Order(1)
		SecurityFilterChain workerRoutes(HttpSecurity http) {
			return http.securityMatcher("/execution/v1/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		org.springframework.security.oauth2.jwt.JwtDecoder jwtDecoder() {
			return org.springframework.security.oauth2.jwt.NimbusJwtDecoder.withSecretKey(JWT_KEY).build();
		}

	}

	/** A caller sending a JWT it signed (a real one would get it from its authorization server). */
	@Configuration(proxyBeanMethods = false)
	static class JwtCredentials {

		@Bean
		HttpRequestCustomizer jwt() throws Exception {
			com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
					new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
					new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("orders-service")
						.expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000))
						.build());
			jwt.sign(new com.nimbusds.jose.crypto.MACSigner(JWT_KEY));
			String token = jwt.serialize();
			return (endpoint, request) -> request.header("Authorization", "Bearer " + token);
		}

	}

	/** The chain docs/http.md shows for routes guarded by the application's own security. */
	@Configuration(proxyBeanMethods = false)
	static class BasicChain {

		@Bean
		SecurityFilterChain chain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.ignoringRequestMatchers("/execution/**"))
				.build();
		}

	}

	@ExecutionClient("greeter")
	public interface Greeter {

		String greet(String name);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WorkerApplication {

		@Bean
		GreeterService greeterService() {
			return new GreeterService();
		}

	}

	@ExecutionService
	static class GreeterService implements Greeter {

		@Override
		public String greet(String name) {
			return "hello " + name;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CallerApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class BasicCredentials {

		@Bean
		HttpRequestCustomizer basic() {
			String credentials = Base64.getEncoder().encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8));
			return (endpoint, request) -> request.header("Authorization", "Basic " + credentials);
		}

	}

}
