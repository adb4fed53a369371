package io.execution.deadlines;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One deadline for the whole call, across processes: a call made while serving another ends when
 * that one must; a server cuts what a client may ask for; and a caller that gives up tells the
 * server, which interrupts the method.
 */
class DeadlinesTest {

	private static final String TOKEN = "deadlines-token";

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private static ConfigurableApplicationContext back;

	private static ConfigurableApplicationContext front;

	@BeforeAll
	static void start() {
		// No cap on the back's side shorter than what the tests wait: only a cancel or the deadline
		// that travels with the call can stop its method before it sleeps to the end.
		back = server();
		// The front's own endpoint of 'back' allows 30 s: only the served call's deadline can end it sooner.
		front = server("execution.endpoints.back.urls=" + url(back), "execution.endpoints.back.timeout=30s");
	}

	@AfterAll
	static void stop() {
		contexts.forEach(ConfigurableApplicationContext::close);
	}

	static ConfigurableApplicationContext server(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(DeadlinesApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"spring.main.banner-mode=off", "execution.http.health-check.interval=0")
			.properties(properties)
			.run();
		contexts.add(context);
		return context;
	}

	static ConfigurableApplicationContext caller(String... properties) {
		return new SpringApplicationBuilder(DeadlinesApplication.class).web(WebApplicationType.NONE)
			.properties("execution.http.auth.token=" + TOKEN, "spring.main.banner-mode=off",
					"execution.http.health-check.interval=0")
			.properties(properties)
			.run();
	}

	static String url(ConfigurableApplicationContext server) {
		return "http://localhost:" + server.getEnvironment().getProperty("local.server.port");
	}

	static BackService backService() {
		return back.getBean(BackService.class);
	}

	@Test
	void aCallMadeWhileServingEndsWithTheCallItServes() {
		int interrupted = backService().interrupted.get();
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.front.urls=" + url(front),
				"execution.endpoints.front.timeout=400ms")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> caller.getBean(Front.class).forward(20_000))
				.isInstanceOf(ExecutionTimeoutException.class);
			// The back's method got what the front had left (under 400 ms), not the front's 30 s
			// endpoint timeout; the back has no cap of its own that could end it sooner.
			await().atMost(Duration.ofSeconds(4))
				.untilAsserted(() -> assertThat(backService().interrupted.get()).isEqualTo(interrupted + 1));
			assertThat(Duration.ofNanos(backService().interruptedAt - start)).isLessThan(Duration.ofSeconds(4));
		}
	}

	@Test
	void aCallMadeWhileServingCarriesWhatIsLeftOfTheServedCallsDeadline() {
		int interrupted = backService().interrupted.get();
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.front.urls=" + url(front),
				"execution.endpoints.front.timeout=400ms")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> caller.getBean(Front.class).forwardDetached(20_000))
				.isInstanceOf(ExecutionTimeoutException.class);
			// No cancel reaches the back (the front waits on without heeding its interrupt): the back
			// stops its method at the deadline its request carried, what the front had left.
			await().atMost(Duration.ofSeconds(4))
				.untilAsserted(() -> assertThat(backService().interrupted.get()).isEqualTo(interrupted + 1));
			assertThat(Duration.ofNanos(backService().interruptedAt - start)).isLessThan(Duration.ofSeconds(4));
		}
	}

	@Test
	void aServerCutsTheDeadlineAClientAsksFor() throws Exception {
		ConfigurableApplicationContext capped = server("execution.http.server.max-timeout=1500ms");
		HttpRequest request = HttpRequest.newBuilder(URI.create(url(capped) + "/execution/v1/invocations"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString(
					"{\"service\":\"back\",\"method\":\"sleep\",\"args\":[20000],\"timeoutMs\":3600000}"))
			.build();
		long start = System.nanoTime();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("\"error\":\"deadline-exceeded\"");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void aCancelOfAnInvocationNotRunningIsAnsweredUnknownBehindTheToken() throws Exception {
		URI unknown = URI.create(url(back) + "/execution/v1/invocations/nothing-runs-as-this");
		HttpClient client = HttpClient.newHttpClient();
		HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(unknown).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		HttpResponse<String> response = client.send(
				HttpRequest.newBuilder(unknown).header("Authorization", "Bearer " + TOKEN).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("\"error\":\"unknown-invocation\"")
			.contains("\"id\":\"nothing-runs-as-this\"")
			.contains("is not running here");
	}

	@Test
	void cancellingAnAsynchronousCallInterruptsTheMethodOnTheServer() {
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.back.urls=" + url(back),
				"execution.endpoints.back.timeout=20s")) {
			int started = backService().started.get();
			int interrupted = backService().interrupted.get();
			CompletableFuture<String> call = caller.getBean(Back.class).sleepAsync(15_000);
			await().atMost(Duration.ofSeconds(5)).until(() -> backService().started.get() == started + 1);
			long cancelled = System.nanoTime();
			call.cancel(true);
			// The method sleeps 15 s with 20 s to go: only the cancel sent to the server stops it now.
			await().atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> assertThat(backService().interrupted.get()).isEqualTo(interrupted + 1));
			assertThat(Duration.ofNanos(backService().interruptedAt - cancelled)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void interruptingASynchronousCallerInterruptsTheMethodOnTheServer() throws Exception {
		try (ConfigurableApplicationContext caller = caller("execution.endpoints.back.urls=" + url(back),
				"execution.endpoints.back.timeout=20s")) {
			int started = backService().started.get();
			int interrupted = backService().interrupted.get();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread calling = new Thread(() -> {
				try {
					caller.getBean(Back.class).sleep(15_000);
				}
				catch (RuntimeException ex) {
					failure.set(ex);
				}
			});
			calling.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> backService().started.get() == started + 1);
			long cancelled = System.nanoTime();
			calling.interrupt();
			calling.join(5_000);
			assertThat(failure.get()).isInstanceOf(ExecutionCancelledException.class);
			await().atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> assertThat(backService().interrupted.get()).isEqualTo(interrupted + 1));
			assertThat(Duration.ofNanos(backService().interruptedAt - cancelled)).isLessThan(Duration.ofSeconds(3));
		}
	}

}
