package io.execution.httpit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.httpit.worker.BillingService;
import io.execution.worker.LocalWorker;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes are a servlet of their own at {@code {path}/v1/*}: a request passes the
 * application's filters (its security among them) but not Spring MVC's dispatching, answers any
 * path or method it does not know with the routes' own JSON error, and is found where the worker
 * advertises it whatever Spring MVC's servlet path is.
 */
class RoutesServletTest {

	private final HttpClient client = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(FilteredApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "test.instance=routes",
					"spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A request of a method that sends no body: HEAD, OPTIONS. */
	private static HttpRequest.Builder bodiless(String method, String url) {
		return HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
	}

	private static HttpRequest.Builder charge(String url) {
		return HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o-1\",5]}"));
	}

	@Test
	void aCallPassesTheApplicationsFiltersButNotSpringMvcsDispatching() throws Exception {
		try (ConfigurableApplicationContext worker = start()) {
			Counts counts = worker.getBean(Counts.class);
			HttpResponse<String> response = send(charge(base(worker) + "/execution/v1/invocations"));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"result\":\"routes:o-1:5\"");
			assertThat(counts.filtered.get()).isEqualTo(1);
			assertThat(counts.intercepted.get()).isZero();
			// The application's own controllers are Spring MVC's as before.
			assertThat(send(HttpRequest.newBuilder(URI.create(base(worker) + "/hello"))).body()).isEqualTo("hello");
			assertThat(counts.intercepted.get()).isEqualTo(1);
		}
	}

	@Test
	void anUnknownRouteOrMethodIsTheRoutesJsonErrorNeverAnErrorPage() throws Exception {
		try (ConfigurableApplicationContext worker = start()) {
			HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(base(worker) + "/execution/v1/nothing")));
			assertThat(unknown.statusCode()).isEqualTo(404);
			assertThat(unknown.body()).startsWith("{\"status\":404,\"error\":\"unknown-route\",\"message\":")
				.contains("/execution/v1/nothing");
			HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(URI.create(base(worker) + "/execution/v1/invocations"))
				.PUT(HttpRequest.BodyPublishers.ofString("{}")));
			assertThat(wrongMethod.statusCode()).isEqualTo(405);
			assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
			assertThat(wrongMethod.body()).startsWith("{\"status\":405,\"error\":\"method-not-allowed\",\"message\":");
		}
	}

	@Test
	void headAnswersAsGetWithoutTheBodyAndOptionsSaysTheMethods() throws Exception {
		try (ConfigurableApplicationContext worker = start()) {
			String routes = base(worker) + "/execution/v1";
			HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(routes + "/ping")));
			// A load balancer's health check by HEAD: the GET's status and headers, no body.
			HttpResponse<String> head = send(bodiless("HEAD", routes + "/ping"));
			assertThat(head.statusCode()).isEqualTo(get.statusCode()).isEqualTo(200);
			assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
			assertThat(head.body()).isEmpty();
			HttpResponse<String> options = send(bodiless("OPTIONS", routes + "/ping"));
			assertThat(options.statusCode()).isEqualTo(204);
			assertThat(options.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
			HttpResponse<String> invocations = send(bodiless("OPTIONS", routes + "/invocations"));
			assertThat(invocations.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
			// HEAD of a route that has no GET is refused as any other method it does not take.
			HttpResponse<String> headOfPost = send(bodiless("HEAD", routes + "/invocations"));
			assertThat(headOfPost.statusCode()).isEqualTo(405);
			assertThat(headOfPost.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
			HttpResponse<String> nothing = send(bodiless("OPTIONS", routes + "/nothing"));
			assertThat(nothing.statusCode()).isEqualTo(404);
			assertThat(nothing.body()).contains("\"error\":\"unknown-route\"");
		}
	}

	@Test
	void theRoutesAreWhereTheWorkerAdvertisesThemWhateverSpringMvcsServletPath() throws Exception {
		try (ConfigurableApplicationContext worker = start("spring.mvc.servlet.path=/mvc",
				"server.servlet.context-path=/shop")) {
			String advertised = worker.getBean(LocalWorker.class).snapshot(Instant.now()).url();
			assertThat(advertised).endsWith("/shop/execution");
			String local = base(worker) + advertised.substring(advertised.indexOf("/shop/"));
			assertThat(send(HttpRequest.newBuilder(URI.create(local + "/v1/ping"))).statusCode()).isEqualTo(200);
			assertThat(send(charge(local + "/v1/invocations")).body()).contains("\"result\":\"routes:o-1:5\"");
			assertThat(send(HttpRequest.newBuilder(URI.create(base(worker) + "/shop/mvc/hello"))).body()).isEqualTo("hello");
		}
	}

	/** Counts what reaches the application's filter and Spring MVC's interceptors. */
	static class Counts {

		final AtomicInteger filtered = new AtomicInteger();

		final AtomicInteger intercepted = new AtomicInteger();

	}

	@RestController
	static class Hello {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ BillingService.class, Hello.class })
	static class FilteredApplication implements WebMvcConfigurer {

		private final Counts counts = new Counts();

		@Bean
		Counts counts() {
			return this.counts;
		}

		@Bean
		Filter countingFilter() {
			return (request, response, chain) -> {
				if (((HttpServletRequest) request).getRequestURI().contains("/execution/v1/invocations")) {
					this.counts.filtered.incrementAndGet();
				}
				chain.doFilter(request, response);
			};
		}

		@Override
		public void addInterceptors(InterceptorRegistry registry) {
			registry.addInterceptor(new HandlerInterceptor() {
				@Override
				public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
						throws IOException {
					RoutesServletTest.FilteredApplication.this.counts.intercepted.incrementAndGet();
					return true;
				}
			});
		}

	}

}
