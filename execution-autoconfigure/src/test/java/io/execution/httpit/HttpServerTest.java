package io.execution.httpit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.execution.httpit.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's answers to a plain HTTP client, as curl or another language would see them: bad
 * input gets a JSON error with a stable code and a 4xx, never a stack trace.
 */
class HttpServerTest {

	private static final String TOKEN = "s3cret-token";

	private static ConfigurableApplicationContext worker;

	private static String base;

	private final HttpClient client = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		worker = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"test.instance=plain", "execution.http.payload-limit=16KB", "spring.main.banner-mode=off")
			.run();
		base = "http://localhost:" + worker.getEnvironment().getProperty("local.server.port") + "/execution/v1";
	}

	@AfterAll
	static void stop() {
		worker.close();
	}

	private HttpResponse<String> post(String body, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/invocations"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aValidCallAnswersWithAResultEnvelope() throws Exception {
		HttpResponse<String> response = post("{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o-1\",250]}",
				TOKEN);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"ok\":true").contains("\"result\":\"plain:o-1:250\"");
	}

	@Test
	void theServicesExceptionIsAnOrdinaryResult() throws Exception {
		HttpResponse<String> response = post("{\"service\":\"billing\",\"method\":\"fail\",\"args\":[\"no\"]}", TOKEN);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"ok\":false")
			.contains("\"code\":\"service-exception\"")
			.contains("\"type\":\"java.lang.IllegalArgumentException\"")
			.doesNotContain("\tat ");
	}

	@Test
	void aMissingOrWrongTokenIs401() throws Exception {
		String body = "{\"service\":\"billing\",\"method\":\"quote\",\"args\":[\"x\"]}";
		for (String token : new String[] { null, "wrong", TOKEN + "x" }) {
			HttpResponse<String> response = post(body, token);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
			assertThat(response.body()).contains("\"status\":401").contains("\"error\":\"unauthorized\"");
		}
		HttpResponse<String> capabilities = this.client.send(
				HttpRequest.newBuilder(URI.create(base + "/capabilities")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(capabilities.statusCode()).isEqualTo(401);
	}

	@Test
	void malformedBodiesAndWrongArgumentsAre400() throws Exception {
		for (String body : new String[] { "{not json", "[]", "{\"service\":\"billing\"}",
				"{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o-1\",\"lots\"]}",
				"{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o-1\",{\"@class\":\"java.io.File\"}]}" }) {
			HttpResponse<String> response = post(body, TOKEN);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(response.body()).as(body)
				.startsWith("{\"status\":400,\"error\":\"malformed-request\",\"message\":")
				.doesNotContain("\tat ")
				.doesNotContain("Exception");
		}
	}

	@Test
	void unknownServicesAndMethodsAre404() throws Exception {
		HttpResponse<String> service = post("{\"service\":\"nope\",\"method\":\"charge\",\"args\":[]}", TOKEN);
		assertThat(service.statusCode()).isEqualTo(404);
		assertThat(service.body()).contains("\"error\":\"unknown-service\"");
		HttpResponse<String> method = post("{\"service\":\"billing\",\"method\":\"refund\",\"args\":[1]}", TOKEN);
		assertThat(method.statusCode()).isEqualTo(404);
		assertThat(method.body()).contains("\"error\":\"unknown-method\"");
		HttpResponse<String> arity = post("{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o\"]}", TOKEN);
		assertThat(arity.statusCode()).isEqualTo(404);
	}

	@Test
	void hostileEnvelopesAre400NeverA500() throws Exception {
		StringBuilder deep = new StringBuilder("[");
		for (int i = 0; i < 11; i++) {
			deep.append((i > 0) ? "," : "").append("\"e").append(i).append('"');
		}
		deep.append(']');
		for (String extra : new String[] { "\"v\":99999999999", "\"v\":1e3", "\"chain\":[{\"a\":1}]",
				"\"chain\":[[\"x\"]]", "\"chain\":[\"a\",\"a\"]", "\"chain\":" + deep }) {
			HttpResponse<String> response = post("{" + extra + ",\"service\":\"billing\",\"method\":\"echo\",\"args\":[\"x\"]}",
					TOKEN);
			assertThat(response.statusCode()).as(extra).isEqualTo(400);
			assertThat(response.body()).as(extra).contains("\"error\":\"malformed-request\"");
		}
	}

	@Test
	void anExecutionAsksForAnyDeadlineAndGetsAnAnswerNeverA500() throws Exception {
		for (String timeout : new String[] { "0", "-5" }) {
			HttpResponse<String> late = postExecution(timeout);
			assertThat(late.statusCode()).as(timeout).isEqualTo(504);
			assertThat(late.body()).contains("\"error\":\"deadline-exceeded\"").contains("not started");
		}
		// Cut to execution.http.server.max-timeout instead of overflowing.
		assertThat(postExecution("9223372036855000").statusCode()).isEqualTo(202);
	}

	private HttpResponse<String> postExecution(String timeoutMs) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/executions"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o\",1],"
					+ "\"timeoutMs\":" + timeoutMs + "}"))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void anAnswerOverThePayloadLimitIs413() throws Exception {
		try (ConfigurableApplicationContext small = new SpringApplicationBuilder(WorkerApplication.class)
			.properties("server.port=0", "execution.http.server.enabled=true", "execution.http.auth.token=" + TOKEN,
					"test.instance=" + "i".repeat(400), "execution.http.payload-limit=200B", "spring.main.banner-mode=off")
			.run()) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create("http://localhost:" + small.getEnvironment().getProperty("local.server.port")
						+ "/execution/v1/invocations"))
				.header("Content-Type", "application/json")
				.header("Authorization", "Bearer " + TOKEN)
				.POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"billing\",\"method\":\"charge\",\"args\":[\"o\",1]}"))
				.build();
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(413);
			assertThat(response.body()).contains("\"error\":\"payload-too-large\"").contains("execution.http.payload-limit");
		}
	}

	@Test
	void aBodyOverThePayloadLimitIs413() throws Exception {
		String big = "{\"service\":\"billing\",\"method\":\"echo\",\"args\":[\"" + "y".repeat(40_000) + "\"]}";
		HttpResponse<String> declared = post(big, TOKEN);
		assertThat(declared.statusCode()).isEqualTo(413);
		assertThat(declared.body()).contains("\"error\":\"payload-too-large\"").contains("execution.http.payload-limit");
		// Without a Content-Length (chunked), the limit is enforced while reading.
		HttpRequest chunked = HttpRequest.newBuilder(URI.create(base + "/invocations"))
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofInputStream(
					() -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
			.build();
		HttpResponse<String> streamed = this.client.send(chunked, HttpResponse.BodyHandlers.ofString());
		assertThat(streamed.statusCode()).isEqualTo(413);
	}

	@Test
	void capabilitiesListServicesMethodsAndLimits() throws Exception {
		HttpResponse<String> response = this.client.send(HttpRequest.newBuilder(URI.create(base + "/capabilities"))
			.header("Authorization", "Bearer " + TOKEN)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"name\":\"billing\"")
			.contains("\"name\":\"charge\"")
			.contains("\"parameters\":[\"java.lang.String\",\"long\"]")
			.contains("\"payloadLimit\":16384");
	}

}
