package io.execution.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;
import io.execution.core.ClientMethod;
import io.execution.core.Invocation;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceExecutor.Outcome;
import io.execution.service.ServiceRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The envelope of wire format 1, written by a caller and read by a worker, and what bad input
 * gets: a clear error envelope, never an exception that escapes.
 */
class EnvelopeCodecTest {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final EnvelopeCodec codec = new EnvelopeCodec(this.mapper);

	private final ServiceRegistry registry = new ServiceRegistry(this.mapper);

	private final ServiceExecutor executor = new ServiceExecutor(this.registry, this.codec);

	EnvelopeCodecTest() {
		this.registry.register("shapes", new ShapesImpl(), ShapesImpl.class);
	}

	interface Shapes {

		Area area(Box box, int scale);

		List<Box> boxes(int count);

		void nothing();

	}

	record Box(double width, double height) {
	}

	record Area(double value) {
	}

	static class ShapesImpl implements Shapes {

		@Override
		public Area area(Box box, int scale) {
			if (scale < 0) {
				throw new IllegalArgumentException("negative scale");
			}
			return new Area(box.width() * box.height() * scale);
		}

		@Override
		public List<Box> boxes(int count) {
			return java.util.stream.IntStream.range(0, count).mapToObj((i) -> new Box(i, i)).toList();
		}

		@Override
		public void nothing() {
		}

	}

	private ClientMethod method(String name) {
		return java.util.Arrays.stream(Shapes.class.getMethods())
			.filter((method) -> method.getName().equals(name))
			.map((method) -> ClientMethod.of("shapes", method, this.mapper, false))
			.findFirst()
			.orElseThrow();
	}

	private Object roundTrip(ClientMethod method, Object... args) {
		byte[] request = this.codec.encodeRequest(Invocation.start(method, args, 5_000_000_000L));
		Outcome outcome = this.executor.execute(request, System.nanoTime() + 5_000_000_000L);
		return this.codec.readResult(outcome.body(), method);
	}

	private Outcome execute(String json) {
		return this.executor.execute(json.getBytes(StandardCharsets.UTF_8), System.nanoTime() + 5_000_000_000L);
	}

	private String text(Outcome outcome) {
		return new String(outcome.body(), StandardCharsets.UTF_8);
	}

	@Test
	void writesTheDocumentedShape() {
		ClientMethod area = method("area");
		Invocation invocation = Invocation.start(area, new Object[] { new Box(2, 3), 4 }, 30_000_000_000L);
		String json = new String(this.codec.encodeRequest(invocation), StandardCharsets.UTF_8);
		assertThat(json).startsWith("{\"v\":1,\"id\":\"" + invocation.id() + "\",\"service\":\"shapes\",\"method\":\"area\"")
			.contains("\"args\":[{\"width\":2.0,\"height\":3.0},4]")
			.contains("\"timeoutMs\":")
			.doesNotContain("class")
			.doesNotContain("@");
	}

	@Test
	void argumentsBindAsTheApplicationsMapperBindsThemLenientByDefaultStrictWhenConfigured() {
		String coerced = "{\"service\":\"shapes\",\"method\":\"boxes\",\"args\":[\"2\"]}";
		String truncated = "{\"service\":\"shapes\",\"method\":\"boxes\",\"args\":[1.5]}";
		assertThat(execute(coerced).ok()).isTrue();
		assertThat(execute(truncated).ok()).isTrue();
		JsonMapper strict = JsonMapper.builder()
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.build();
		ServiceRegistry services = new ServiceRegistry(strict);
		services.register("shapes", new ShapesImpl(), ShapesImpl.class);
		ServiceExecutor executor = new ServiceExecutor(services, new EnvelopeCodec(strict));
		for (String body : new String[] { coerced, truncated }) {
			Outcome outcome = executor.execute(body.getBytes(StandardCharsets.UTF_8), System.nanoTime() + 5_000_000_000L);
			assertThat(outcome.error()).as(body).isEqualTo(ErrorCode.MALFORMED_REQUEST);
			assertThat(new String(outcome.body(), StandardCharsets.UTF_8)).contains("does not bind");
		}
	}

	@Test
	void bindsArgumentsAndResultsByTheLocalSignature() {
		assertThat(roundTrip(method("area"), new Box(2, 3), 4)).isEqualTo(new Area(24));
		assertThat(roundTrip(method("boxes"), 2)).isEqualTo(List.of(new Box(0, 0), new Box(1, 1)));
		assertThat(roundTrip(method("nothing"))).isNull();
	}

	@Test
	void aServiceExceptionTravelsAsTypeAndMessage() {
		assertThatThrownBy(() -> roundTrip(method("area"), new Box(1, 1), -1))
			.isInstanceOfSatisfying(RemoteExecutionException.class, (ex) -> {
				assertThat(ex.getRemoteType()).isEqualTo("java.lang.IllegalArgumentException");
				assertThat(ex.getRemoteMessage()).isEqualTo("negative scale");
				assertThat(ex.getCause()).isNull();
			});
	}

	@Test
	void acceptsTheMinimalEnvelopeACurlUserWrites() {
		Outcome outcome = execute("{\"service\":\"shapes\",\"method\":\"area\",\"args\":[{\"width\":1,\"height\":2},3]}");
		assertThat(outcome.ok()).isTrue();
		assertThat(text(outcome)).contains("\"ok\":true").contains("\"result\":{\"value\":6.0}");
	}

	@Test
	void malformedBodiesGetAMalformedRequestError() {
		for (String body : List.of("not json", "[1,2]", "{\"method\":\"area\"}", "{\"service\":\"shapes\"}",
				"{\"service\":\"shapes\",\"method\":\"area\",\"args\":{}}",
				"{\"v\":2,\"service\":\"shapes\",\"method\":\"area\",\"args\":[]}",
				"{\"service\":\"shapes\",\"method\":\"area\",\"args\":[{\"width\":\"wide\"},1]}",
				"{\"service\":\"shapes\",\"method\":\"area\",\"args\":[{\"width\":1,\"height\":1},null]}",
				"{\"service\":\"shapes\",\"method\":\"area\",\"args\":[{},1],\"timeoutMs\":\"soon\"}")) {
			Outcome outcome = execute(body);
			assertThat(outcome.error()).as(body).isEqualTo(ErrorCode.MALFORMED_REQUEST);
			assertThat(text(outcome)).as(body).contains("\"code\":\"malformed-request\"").doesNotContain("at io.");
		}
	}

	@Test
	void neverReadsClassNamesFromTheWire() {
		Outcome outcome = execute("{\"service\":\"shapes\",\"method\":\"area\",\"args\":[{\"@class\":"
				+ "\"java.lang.ProcessBuilder\",\"width\":1,\"height\":1},1]}");
		assertThat(outcome.ok()).isTrue();
		assertThat(text(outcome)).contains("\"value\":1.0");
	}

	@Test
	void unknownServicesAndMethodsAreNotFound() {
		Outcome service = execute("{\"service\":\"circles\",\"method\":\"area\",\"args\":[]}");
		assertThat(service.error()).isEqualTo(ErrorCode.UNKNOWN_SERVICE);
		Outcome method = execute("{\"service\":\"shapes\",\"method\":\"volume\",\"args\":[]}");
		assertThat(method.error()).isEqualTo(ErrorCode.UNKNOWN_METHOD);
		Outcome arity = execute("{\"service\":\"shapes\",\"method\":\"area\",\"args\":[1]}");
		assertThat(arity.error()).isEqualTo(ErrorCode.UNKNOWN_METHOD);
		assertThatThrownBy(() -> this.codec.readResult(method.body(), method("area")))
			.isInstanceOf(ServiceNotFoundException.class);
	}

	/** A method that calls on, and fails as its call does: after a wait, with the call's timeout. */
	public static class Forwarder {

		public String forward(long waitMillis) throws InterruptedException {
			Thread.sleep(waitMillis);
			throw new java.util.concurrent.CompletionException(new io.execution.ExecutionTimeoutException("inner call timed out"));
		}

	}

	@Test
	void aCallTheMethodMadeTimingOutAtTheInheritedDeadlineIsThisCallsTimeout() {
		ServiceRegistry services = new ServiceRegistry(this.mapper);
		services.register("forwarder", new Forwarder(), Forwarder.class);
		ServiceExecutor executor = new ServiceExecutor(services, this.codec);
		byte[] late = "{\"service\":\"forwarder\",\"method\":\"forward\",\"args\":[300]}".getBytes(StandardCharsets.UTF_8);
		// The inner call ran out of the deadline it inherited: this call's deadline, answered as such.
		assertThat(executor.execute(late, System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100))
			.error()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
		// Timed out on a deadline of its own, well within this call's: the method's answer.
		byte[] early = "{\"service\":\"forwarder\",\"method\":\"forward\",\"args\":[0]}".getBytes(StandardCharsets.UTF_8);
		assertThat(executor.execute(early, System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30)).error())
			.isEqualTo(ErrorCode.SERVICE_EXCEPTION);
	}

	@Test
	void aRequestWhoseDeadlinePassedIsNotRun() {
		Outcome outcome = this.executor.execute(
				"{\"service\":\"shapes\",\"method\":\"nothing\",\"args\":[]}".getBytes(StandardCharsets.UTF_8),
				System.nanoTime() - 1);
		assertThat(outcome.error()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
	}

	@Test
	void aResultReadStraightFromTheParserMeansWhatTheTreeSays() {
		ClientMethod area = method("area");
		java.util.function.Function<String, Object> read = (json) -> this.codec
			.readResult(json.getBytes(StandardCharsets.UTF_8), area);
		assertThat(read.apply("{\"v\":1,\"id\":\"a\",\"ok\":true,\"result\":{\"value\":6}}"))
			.isEqualTo(new Area(6));
		assertThat(read.apply("{\"result\":{\"value\":6},\"extra\":[1,{\"x\":2}]}")).isEqualTo(new Area(6));
		assertThat(read.apply("{\"v\":1,\"result\":null}")).isNull();
		// An error wins wherever it is, as in the tree.
		assertThatThrownBy(() -> read.apply("{\"result\":{\"value\":6},\"error\":{\"code\":\"service-exception\","
				+ "\"type\":\"java.lang.IllegalStateException\",\"message\":\"no\"}}"))
			.isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("no");
		assertThatThrownBy(() -> read.apply("{\"v\":2,\"result\":{\"value\":6}}")).isInstanceOf(ExecutionException.class)
			.hasMessageContaining("version");
		assertThatThrownBy(() -> read.apply("{\"result\":{\"value\":6}} trailing")).isInstanceOf(ExecutionException.class)
			.hasMessageContaining("not a valid envelope");
		assertThatThrownBy(() -> read.apply("{\"result\":\"six\"}")).isInstanceOf(ExecutionException.class)
			.hasMessageContaining("does not bind");
	}

	/** A result that says which parser bound it. */
	@tools.jackson.databind.annotation.JsonDeserialize(using = BoundBy.Reader.class)
	record BoundBy(String parser) {

		static final class Reader extends tools.jackson.databind.ValueDeserializer<BoundBy> {

			@Override
			public BoundBy deserialize(tools.jackson.core.JsonParser parser,
					tools.jackson.databind.DeserializationContext context) {
				parser.skipChildren();
				return new BoundBy(parser.getClass().getSimpleName());
			}

		}

	}

	interface Binding {

		BoundBy bound();

	}

	@Test
	void theUsualResultIsBoundFromTheParserNotFromATree() throws Exception {
		ClientMethod bound = ClientMethod.of("binding", Binding.class.getMethod("bound"), this.mapper, false);
		Object result = this.codec.readResult(
				"{\"v\":1,\"id\":\"a\",\"ok\":true,\"result\":{\"x\":[1,2]},\"after\":3}".getBytes(StandardCharsets.UTF_8),
				bound);
		assertThat(((BoundBy) result).parser()).doesNotContain("Tree");
	}

	@tools.jackson.databind.annotation.JsonDeserialize(using = Exploding.Reader.class)
	record Exploding() {

		static final class Reader extends tools.jackson.databind.ValueDeserializer<Exploding> {

			@Override
			public Exploding deserialize(tools.jackson.core.JsonParser parser,
					tools.jackson.databind.DeserializationContext context) {
				throw new IllegalStateException("not today");
			}

		}

	}

	interface Bindings {

		String take(BoundBy first, int second);

		String explode(Exploding value);

		String overloaded(BoundBy first);

		String overloaded(BoundBy first, int second);

	}

	private ServiceExecutor bindings() {
		ServiceRegistry registry = new ServiceRegistry(this.mapper);
		registry.register("bindings", new Bindings() {
			@Override
			public String take(BoundBy first, int second) {
				return first.parser() + second;
			}

			@Override
			public String overloaded(BoundBy first) {
				return first.parser();
			}

			@Override
			public String explode(Exploding value) {
				return "never";
			}

			@Override
			public String overloaded(BoundBy first, int second) {
				return first.parser() + second;
			}
		}, Bindings.class);
		return new ServiceExecutor(registry, this.codec);
	}

	@Test
	void theUsualRequestIsBoundFromTheParserNotFromATree() throws Exception {
		byte[] body = ("{\"v\":1,\"id\":\"a\",\"service\":\"bindings\",\"method\":\"take\",\"args\":[{\"x\":[1,2]},7],"
				+ "\"timeoutMs\":500,\"chain\":[\"edge\"],\"trace\":{\"traceparent\":\"t\"},\"execution\":true,\"later\":[1]}")
			.getBytes(StandardCharsets.UTF_8);
		ServiceExecutor executor = bindings();
		RequestEnvelope request = executor.decode(Envelope.of(body));
		assertThat(request.bound()).isNotNull().hasSize(2);
		assertThat(((BoundBy) request.bound()[0]).parser()).doesNotContain("Tree");
		assertThat(request.bound()[1]).isEqualTo(7);
		assertThat(request.timeoutMs()).isEqualTo(500L);
		assertThat(request.chain()).containsExactly("edge");
		assertThat(request.trace()).containsEntry("traceparent", "t");
		assertThat(request.execution()).isTrue();
		assertThat(request.id()).isEqualTo("a");
		assertThat(new String(executor.execute(request, System.nanoTime() + 1_000_000_000L).body(),
				StandardCharsets.UTF_8)).contains("7").doesNotContain("Tree");
	}

	@Test
	void anArgumentWhoseDeserializerThrowsIsLeftToTheBindingItFailedInBefore() {
		ServiceExecutor executor = bindings();
		byte[] body = "{\"service\":\"bindings\",\"method\":\"explode\",\"args\":[{}]}".getBytes(StandardCharsets.UTF_8);
		RequestEnvelope request = executor.decode(Envelope.of(body));
		assertThat(request.bound()).isNull();
		assertThat(request.args()).hasSize(1);
	}

	@Test
	void aRequestTheParserCannotBindIsReadAsATreeWithTheSameAnswer() {
		ServiceExecutor executor = bindings();
		// Arguments before the method, an overloaded name, a wrong count, a null for an int: the tree path.
		for (String body : List.of(
				"{\"args\":[{},7],\"service\":\"bindings\",\"method\":\"take\"}",
				"{\"service\":\"bindings\",\"method\":\"overloaded\",\"args\":[{},7]}",
				"{\"service\":\"bindings\",\"method\":\"take\",\"args\":[{}]}",
				"{\"service\":\"bindings\",\"method\":\"take\",\"args\":[{},null]}",
				"{\"service\":\"bindings\",\"method\":\"take\",\"args\":[{},7],\"service\":\"other\"}",
				"{\"service\":\"bindings\",\"method\":\"take\",\"args\":[{},7]} trailing")) {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			Object streamed;
			Object tree;
			try {
				RequestEnvelope request = executor.decode(Envelope.of(bytes));
				assertThat(request.bound()).as(body).isNull();
				streamed = new String(executor.execute(request, System.nanoTime() + 1_000_000_000L).body(),
						StandardCharsets.UTF_8);
			}
			catch (MalformedEnvelopeException ex) {
				streamed = ex.getMessage();
			}
			try {
				tree = new String(executor.execute(this.codec.decodeRequest(bytes), System.nanoTime() + 1_000_000_000L)
					.body(), StandardCharsets.UTF_8);
			}
			catch (MalformedEnvelopeException ex) {
				tree = ex.getMessage();
			}
			assertThat(streamed).as(body).isEqualTo(tree);
		}
	}

	@Test
	void errorCodesMapToTheDocumentedExceptions() {
		assertThat(ErrorCode.REJECTED.toException(null, "full")).isInstanceOf(ExecutionRejectedException.class);
		assertThat(ErrorCode.of("no-such-code")).isEqualTo(ErrorCode.INTERNAL);
		for (ErrorCode code : ErrorCode.values()) {
			assertThat(ErrorCode.of(code.code())).isEqualTo(code);
		}
	}

}
