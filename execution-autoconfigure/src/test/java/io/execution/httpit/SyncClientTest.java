package io.execution.httpit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.http.HttpClientCustomizer;
import io.execution.httpit.caller.Billing;
import io.execution.httpit.caller.CallerApplication;
import io.execution.httpit.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client under synchronous calls ({@code execution.http.sync-client}): Apache HttpClient 5
 * when it is on the classpath, as here, else the JDK client; either way the same answers, the
 * same classification of failures and the same limits.
 */
class SyncClientTest {

	private static final String TOKEN = "sync-client-token";

	private static ConfigurableApplicationContext worker;

	@BeforeAll
	static void startWorker() {
		worker = worker("sync", "execution.http.compression.threshold=1KB", "execution.http.payload-limit=256KB");
	}

	static ConfigurableApplicationContext worker(String instance, String... properties) {
		return new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"test.instance=" + instance, "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@AfterAll
	static void stopWorker() {
		worker.close();
	}

	static ConfigurableApplicationContext caller(String syncClient, String... properties) {
		return new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
			.properties("execution.http.auth.token=" + TOKEN, "spring.main.banner-mode=off",
					"execution.http.health-check.interval=0", "execution.http.sync-client=" + syncClient)
			.properties(properties)
			.run();
	}

	static String url() {
		return HttpModeTest.url(worker);
	}

	@ParameterizedTest
	@CsvSource({ "auto, apache-httpclient5", "jdk, jdk" })
	void synchronousCallsGoOverTheChosenClient(String setting, String client) {
		try (ConfigurableApplicationContext caller = caller(setting, "execution.endpoints.billing.urls=" + url())) {
			assertThat(caller.getBean(Billing.class).quote("tea")).isEqualTo("sync");
			assertThat(HttpModeTest.transport(caller, "billing").describe()).containsEntry("syncClient", client);
		}
	}

	@Test
	void http2EndpointsStayOnTheJdkClient() {
		try (ConfigurableApplicationContext caller = caller("auto", "execution.endpoints.billing.urls=" + url(),
				"execution.http.version=HTTP_2")) {
			assertThat(caller.getBean(Billing.class).quote("tea")).isEqualTo("sync");
			assertThat(HttpModeTest.transport(caller, "billing").describe()).containsEntry("syncClient", "jdk");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void anAnswerOverThePayloadLimitIsRefusedAndTheInstanceStaysInService(String setting) {
		// Random text gzips to about three quarters of its size: the compressed answer is over 16 KB.
		byte[] random = new byte[40_000];
		new Random(7).nextBytes(random);
		String large = Base64.getEncoder().encodeToString(random);
		try (ConfigurableApplicationContext caller = caller(setting, "execution.endpoints.billing.urls=" + url(),
				"execution.http.payload-limit=16KB")) {
			Billing billing = caller.getBean(Billing.class);
			assertThatThrownBy(() -> billing.echo(large)).isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("execution.http.payload-limit");
			var instance = HttpModeTest.transport(caller, "billing").instances().get(0);
			assertThat(instance.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(instance.inFlight()).isZero();
			assertThat(billing.echo("small")).isEqualTo("small");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void anEndlessAnswerIsCutAtThePayloadLimit(String setting) throws Exception {
		// An instance that answers a call with a chunked body that never ends.
		try (RawInstance hostile = new RawInstance((connection) -> {
			String requestLine = readHead(connection.getInputStream());
			java.io.OutputStream out = connection.getOutputStream();
			if (requestLine.startsWith("GET")) {
				out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				return;
			}
			out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = ("2000\r\n" + "x".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
			while (true) {
				out.write(chunk);
			}
		});
				ConfigurableApplicationContext caller = caller(setting,
						"execution.endpoints.billing.urls=http://localhost:" + hostile.port(),
						"execution.http.payload-limit=16KB", "execution.endpoints.billing.timeout=20s")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> caller.getBean(Billing.class).charge("o-9", 100))
				.isInstanceOf(ExecutionRejectedException.class)
				.hasMessageContaining("execution.http.payload-limit");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void aRefusedConnectionIsRetriedOnTheNextUrlForAnyMethod(String setting) {
		try (ConfigurableApplicationContext caller = caller(setting,
				"execution.endpoints.billing.urls=" + HttpModeTest.deadUrl() + "," + url(),
				"execution.endpoints.billing.retry.max-attempts=2")) {
			Billing billing = caller.getBean(Billing.class);
			// Round robin starts at either URL: two calls make sure one of them met the dead one first.
			assertThat(billing.charge("o-1", 100)).isEqualTo("sync:o-1:100");
			assertThat(billing.charge("o-2", 100)).isEqualTo("sync:o-2:100");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void aConnectionTheServerClosedWhileIdleIsNotReused(String setting) {
		try (ConfigurableApplicationContext closing = worker("closing", "server.tomcat.keep-alive-timeout=300ms");
				ConfigurableApplicationContext caller = caller(setting,
						"execution.endpoints.billing.urls=" + HttpModeTest.url(closing))) {
			Billing billing = caller.getBean(Billing.class);
			assertThat(billing.charge("o-4", 100)).isEqualTo("closing:o-4:100");
			// Time passing is the point here: Tomcat closes the kept-alive connection after 300 ms idle.
			await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2)).until(() -> true);
			// Not @Idempotent: sent on the closed connection it would fail as "may have run".
			assertThat(billing.charge("o-5", 100)).isEqualTo("closing:o-5:100");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void aConnectionTheServerClosedRightAfterItsAnswerIsNotReused(String setting) throws Exception {
		// An instance that closes each connection once it has answered, without saying so.
		try (RawInstance instance = RawInstance.answering("fine", new ArrayList<>());
				ConfigurableApplicationContext caller = caller(setting,
						"execution.endpoints.billing.urls=http://localhost:" + instance.port())) {
			Billing billing = caller.getBean(Billing.class);
			assertThat(billing.charge("o-6", 100)).isEqualTo("fine");
			// Every connection the instance took (the start-up ping's, the call's) is closed.
			await().atMost(Duration.ofSeconds(2)).until(instance::closedAll);
			// Not @Idempotent: sent on the closed connection it would fail as "may have run".
			assertThat(billing.charge("o-7", 100)).isEqualTo("fine");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void callsGoThroughTheProxyAnHttpClientCustomizerSets(String setting) throws Exception {
		// A proxy that answers by itself, keeping the request line it was given.
		List<String> requestLines = new java.util.concurrent.CopyOnWriteArrayList<>();
		try (RawInstance proxy = RawInstance.answering("proxied", requestLines)) {
			HttpClientCustomizer viaProxy = (builder) -> builder
				.proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress("localhost", proxy.port())));
			try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
				.web(WebApplicationType.NONE)
				.initializers((context) -> context.getBeanFactory().registerSingleton("viaProxy", viaProxy))
				.properties("execution.http.auth.token=" + TOKEN, "spring.main.banner-mode=off",
						"execution.http.health-check.interval=0", "execution.http.sync-client=" + setting,
						"execution.endpoints.billing.urls=http://billing.invalid:8080")
				.run()) {
				assertThat(caller.getBean(Billing.class).charge("o-8", 100)).isEqualTo("proxied");
				// The proxy keeps the line once it has answered: the caller may be back before that.
				await().atMost(Duration.ofSeconds(2))
					.untilAsserted(() -> assertThat(requestLines)
						.contains("POST http://billing.invalid:8080/execution/v1/invocations HTTP/1.1"));
			}
		}
	}

	/**
	 * A raw HTTP/1.1 instance on a random port: it takes connections one at a time, hands each to
	 * its handler and closes it after.
	 */
	static final class RawInstance implements AutoCloseable {

		/** What the instance does with a connection. */
		interface Handler {

			void handle(Socket connection) throws IOException;

		}

		private final ServerSocket socket = new ServerSocket(0);

		private final AtomicInteger accepted = new AtomicInteger();

		private final AtomicInteger closed = new AtomicInteger();

		RawInstance(Handler handler) throws IOException {
			Thread serving = new Thread(() -> {
				while (!this.socket.isClosed()) {
					try (Socket connection = this.socket.accept()) {
						this.accepted.incrementAndGet();
						handler.handle(connection);
					}
					catch (IOException ex) {
						// a connection that went away, or the instance closed
					}
					this.closed.incrementAndGet();
				}
			});
			serving.setDaemon(true);
			serving.start();
		}

		/**
		 * An instance that answers every request with one result envelope, without saying that
		 * it closes the connection after.
		 * @param result the result, a JSON string's content
		 * @param requestLines where to keep the request line of each request
		 */
		static RawInstance answering(String result, List<String> requestLines) throws IOException {
			String envelope = "{\"v\":1,\"id\":null,\"ok\":true,\"result\":\"" + result + "\"}";
			return new RawInstance((connection) -> requestLines.add(answer(connection, envelope)));
		}

		int port() {
			return this.socket.getLocalPort();
		}

		/** Whether every connection it took is closed. */
		boolean closedAll() {
			return this.closed.get() == this.accepted.get();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	/**
	 * Reads one request (headers, then Content-Length bytes) and writes a 200 with the body.
	 * @return the request line
	 */
	private static String answer(Socket connection, String body) throws IOException {
		java.io.InputStream in = connection.getInputStream();
		String head = readHead(in);
		java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
		in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
		byte[] json = body.getBytes(StandardCharsets.UTF_8);
		connection.getOutputStream()
			.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		connection.getOutputStream().write(json);
		connection.getOutputStream().flush();
		return head.substring(0, head.indexOf("\r\n"));
	}

	/** Reads a request's head, up to the empty line. */
	private static String readHead(java.io.InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (head.indexOf("\r\n\r\n") < 0) {
			int read = in.read();
			if (read < 0) {
				throw new IOException("closed before the request was read");
			}
			head.append((char) read);
		}
		return head.toString();
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void anInstanceThatNeverAnswersTimesOutAtTheDeadline(String setting) throws Exception {
		// An instance that reads what it is sent and never answers.
		try (RawInstance silent = new RawInstance((connection) -> connection.getInputStream().transferTo(
				java.io.OutputStream.nullOutputStream()));
				ConfigurableApplicationContext caller = caller(setting,
						"execution.endpoints.billing.urls=http://localhost:" + silent.port(),
						"execution.endpoints.billing.timeout=400ms")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> caller.getBean(Billing.class).charge("o-3", 100))
				.isInstanceOf(ExecutionTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350),
					Duration.ofSeconds(3));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "auto", "jdk" })
	void aRequestTheInstanceNeverReadsEndsAtTheDeadline(String setting) throws Exception {
		// An instance that reads a call's head and never its body: the sender's write blocks once
		// the socket buffers are full, and the deadline has to end the write, not only a read.
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
		try (RawInstance stalling = new RawInstance((connection) -> {
			String requestLine = readHead(connection.getInputStream());
			if (requestLine.startsWith("GET")) {
				connection.getOutputStream()
					.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				return;
			}
			try {
				done.await(30, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
				ConfigurableApplicationContext caller = caller(setting,
						"execution.endpoints.billing.urls=http://localhost:" + stalling.port(),
						"execution.endpoints.billing.timeout=1500ms", "execution.http.payload-limit=64MB",
						"execution.http.compression.threshold=64MB")) {
			String large = "x".repeat(24 << 20);
			long start = System.nanoTime();
			org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
					() -> assertThatThrownBy(() -> caller.getBean(Billing.class).echo(large))
						.isInstanceOf(ExecutionTimeoutException.class));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
					Duration.ofSeconds(6));
		}
		finally {
			done.countDown();
		}
	}


}
