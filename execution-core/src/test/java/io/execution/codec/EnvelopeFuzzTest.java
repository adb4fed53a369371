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
			"trace", "execution", "stream");

	private static final Arbitrary<String> VALUES = json(2);

	private final EnvelopeCodec codec = new EnvelopeCodec(JsonMapper.builder().build());

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
