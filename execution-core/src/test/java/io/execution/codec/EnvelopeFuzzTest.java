package io.execution.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Whatever a client or a producer sends, the decoder answers with an envelope or a
 * {@link MalformedEnvelopeException} naming what is wrong — never anything else, which would
 * reach a caller as a 500 or stop a worker pool.
 */
class EnvelopeFuzzTest {

	private static final List<String> FIELDS = List.of("v", "id", "service", "method", "args", "timeoutMs", "chain",
			"trace", "execution", "stream", "retry");

	private static final List<String> RETRY_FIELDS = List.of("attempt", "maxAttempts", "initialMs", "multiplier",
			"maxMs", "jitter", "neverFor", "attemptMs", "deadLetter");

	private static final Arbitrary<String> VALUES = json(2);

	private final EnvelopeCodec codec = new EnvelopeCodec(JsonMapper.builder().build());

	/**
	 * A retry policy from the wire is in range or malformed: whatever its fields hold, the
	 * envelope decodes into a policy the worker can follow, or says what is wrong.
	 */
	@Property(tries = 3000)
	void anyRetryFieldDecodesIntoASoundPolicyOrIsMalformed(@ForAll("retries") String retry) {
		byte[] body = ("{\"v\":1,\"service\":\"s\",\"method\":\"m\",\"args\":[],\"retry\":" + retry + "}")
			.getBytes(StandardCharsets.UTF_8);
		RequestEnvelope envelope;
		try {
			envelope = this.codec.decodeRequest(body);
		}
		catch (MalformedEnvelopeException ex) {
			org.assertj.core.api.Assertions.assertThat(ex.getMessage()).contains("retry");
			return;
		}
		io.execution.core.RetryPolicy.Retries retries = envelope.retries();
		if (retries != null) {
			io.execution.core.RetryPolicy policy = retries.policy();
			org.assertj.core.api.Assertions.assertThat(retries.attempt()).isBetween(1, policy.maxAttempts());
			org.assertj.core.api.Assertions.assertThat(policy.delayMillis(retries.attempt()))
				.isBetween(0L, policy.maxIntervalMillis());
			org.assertj.core.api.Assertions.assertThat(policy.spanMillis(retries.attemptMillis())).isNotNegative();
		}
	}

	@Provide
	Arbitrary<String> retries() {
		Arbitrary<String> numbers = Arbitraries.oneOf(Arbitraries.integers().between(-3, 200).map(String::valueOf),
				Arbitraries.longs().map(String::valueOf), Arbitraries.doubles().map(String::valueOf),
				Arbitraries.of("0", "1", "2", "1.5", "0.2", "604800000", "604800001", "1e400", "\"x\"", "null", "[]",
						"[\"java.lang.IllegalStateException\"]", "[\"not a name\"]", "[1]", "true"));
		Arbitrary<String> member = Arbitraries.of(RETRY_FIELDS)
			.flatMap((key) -> Arbitraries.oneOf(numbers, VALUES).map((value) -> quote(key) + ":" + value));
		return Arbitraries.oneOf(member.list().ofMaxSize(9).map((items) -> "{" + String.join(",", items) + "}"),
				VALUES);
	}

	@Property(tries = 1000)
	void anyBytesDecodeOrAreMalformed(@ForAll byte[] body) {
		decodes(body);
	}

	@Property(tries = 1000)
	void anyTextDecodesOrIsMalformed(@ForAll String body) {
		decodes(body.getBytes(StandardCharsets.UTF_8));
	}

	@Property(tries = 3000)
	void anyObjectOfEnvelopeFieldsDecodesOrIsMalformed(@ForAll("envelopes") String body) {
		decodes(body.getBytes(StandardCharsets.UTF_8));
	}

	interface Typed {

		long numbers(int a, java.util.List<Long> b, boolean c);

		int map(java.util.Map<String, Integer> values);

	}

	private final io.execution.service.ServiceRegistry registry = registry();

	private io.execution.service.ServiceRegistry registry() {
		io.execution.service.ServiceRegistry registry = new io.execution.service.ServiceRegistry(
				JsonMapper.builder().build());
		registry.register("typed", new Typed() {
			@Override
			public long numbers(int a, java.util.List<Long> b, boolean c) {
				return a;
			}

			@Override
			public int map(java.util.Map<String, Integer> values) {
				return values.size();
			}
		}, Typed.class);
		return registry;
	}

	/**
	 * Arguments bound from the parser are what binding from the tree gives, and a request the
	 * parser cannot read is answered as the tree path answers it.
	 */
	@Property(tries = 3000)
	void bindingFromTheParserAgreesWithTheTree(@ForAll("typedEnvelopes") String text) {
		byte[] body = text.getBytes(StandardCharsets.UTF_8);
		org.assertj.core.api.Assertions.assertThat(outcome(body, this.registry.argumentTypes()))
			.isEqualTo(outcome(body, ArgumentTypes.NONE));
	}

	/** What a worker makes of a request: the envelope's fields and bound arguments, or the error. */
	private String outcome(byte[] body, ArgumentTypes types) {
		RequestEnvelope request;
		try {
			request = this.codec.decodeRequest(body, types);
		}
		catch (MalformedEnvelopeException ex) {
			return "malformed: " + ex.getMessage();
		}
		String fields = request.id() + "|" + request.service() + "|" + request.method() + "|" + request.timeoutMs() + "|"
				+ request.chain() + "|" + request.trace() + "|" + request.execution() + "|" + request.stream();
		io.execution.service.ServiceMethod method;
		try {
			method = this.registry.method(request.service(), request.method(), request.arity());
		}
		catch (RuntimeException ex) {
			return fields + " unknown: " + ex.getMessage();
		}
		Object[] args = request.bound();
		if (args == null) {
			try {
				args = EnvelopeCodec.bindArguments(request.args(), method.parameterTypes(),
						(i) -> JsonMapper.builder().build().readerFor(method.parameterTypes()[i]), method.signature());
			}
			catch (MalformedEnvelopeException ex) {
				return fields + " unbound: " + ex.getMessage();
			}
		}
		return fields + " args: " + java.util.Arrays.deepToString(args);
	}

	@Provide
	Arbitrary<String> typedEnvelopes() {
		Arbitrary<String> ints = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
				Arbitraries.of("null", "1.5", "2147483648", "\"3\"", "true", "[]"));
		Arbitrary<String> longs = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.of("null", "\"x\""))
			.list()
			.ofMaxSize(4)
			.map((items) -> "[" + String.join(",", items) + "]");
		Arbitrary<String> numbersArgs = net.jqwik.api.Combinators
			.combine(ints, Arbitraries.oneOf(longs, VALUES), Arbitraries.of("true", "false", "null", "0", "\"true\""))
			.as((a, b, c) -> "[" + a + "," + b + "," + c + "]");
		Arbitrary<String> mapArgs = Arbitraries.oneOf(VALUES, Arbitraries.of("{\"a\":1,\"b\":2}", "{}"))
			.map((value) -> "[" + value + "]");
		Arbitrary<String> args = Arbitraries.oneOf(numbersArgs, mapArgs, VALUES, numbersArgs.map((a) -> a.replaceFirst(",", ",1,")));
		Arbitrary<String> head = Arbitraries.of("\"service\":\"typed\",\"method\":\"numbers\"",
				"\"service\":\"typed\",\"method\":\"map\"", "\"service\":\"typed\",\"method\":\"none\"",
				"\"method\":\"numbers\",\"service\":\"typed\"", "\"service\":\"other\",\"method\":\"numbers\"");
		Arbitrary<String> extra = Arbitraries.of(FIELDS)
			.flatMap((name) -> VALUES.map((value) -> "\"" + name + "\":" + value))
			.list()
			.ofMaxSize(3)
			.map((items) -> items.isEmpty() ? "" : "," + String.join(",", items));
		return net.jqwik.api.Combinators.combine(head, args, extra, Arbitraries.of(true, false))
			.as((h, a, e, argsFirst) -> argsFirst ? "{\"args\":" + a + "," + h + e + "}" : "{\"v\":1," + h + ",\"args\":" + a + e + "}");
	}

	private void decodes(byte[] body) {
		assertThatCode(() -> {
			try {
				this.codec.decodeRequest(body);
			}
			catch (MalformedEnvelopeException ex) {
				// The answer for bad input: a 400 naming what to fix.
			}
		}).doesNotThrowAnyException();
	}

	@Provide
	Arbitrary<String> envelopes() {
		// A value for every field, each left out at random: the shapes a client can send.
		Arbitrary<String> field = Arbitraries.of(FIELDS)
			.flatMap((name) -> VALUES.map((value) -> "\"" + name + "\":" + value));
		return field.list().ofMaxSize(FIELDS.size()).map((items) -> String.join(",", items)).map((items) -> "{" + items + "}");
	}

	/** Any JSON value, nested up to a depth, with the numbers and strings that break naive readers. */
	static Arbitrary<String> json(int depth) {
		Arbitrary<String> scalars = Arbitraries.oneOf(
				Arbitraries.of("null", "true", "false", "0", "1", "-1", "1.5", "1e400", "-0", "2147483648",
						"9223372036854775808", "99999999999999999999999999", "\"\"", "\" \"", "\"execution\"",
						"\"\\u0000\"", "\"a\\nb\""),
				Arbitraries.longs().map(String::valueOf),
				Arbitraries.doubles().map(String::valueOf).filter((text) -> !text.contains("Infinity") && !text.contains("NaN")),
				Arbitraries.strings().ofMaxLength(20).map(EnvelopeFuzzTest::quote));
		if (depth == 0) {
			return scalars;
		}
		Arbitrary<String> arrays = json(depth - 1).list().ofMaxSize(6).map((items) -> String.join(",", items))
			.map((items) -> "[" + items + "]");
		Arbitrary<String> member = Arbitraries.strings().alpha().ofMaxLength(6)
			.flatMap((key) -> json(depth - 1).map((value) -> quote(key) + ":" + value));
		Arbitrary<String> objects = member.list().ofMaxSize(4).map((items) -> "{" + String.join(",", items) + "}");
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, scalars), net.jqwik.api.Tuple.of(1, arrays),
				net.jqwik.api.Tuple.of(1, objects));
	}

	static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
