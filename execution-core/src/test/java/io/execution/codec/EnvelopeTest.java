package io.execution.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.execution.core.ClientMethod;
import io.execution.core.Invocation;
import io.execution.service.ServiceExecutor.Outcome;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceRegistry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request handed to a worker in the same JVM as tokens ({@link Envelope}): the same envelope
 * as its bytes, every mutable value copied, text neither written nor parsed.
 */
class EnvelopeTest {

	private static final long SECOND = 1_000_000_000L;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final EnvelopeCodec codec = new EnvelopeCodec(this.mapper);

	private final ServiceRegistry registry = new ServiceRegistry(this.mapper);

	private final ServiceExecutor executor = new ServiceExecutor(this.registry, this.codec);

	private final Keeper keeper = new Keeper();

	EnvelopeTest() {
		this.registry.register("keeper", this.keeper, Keeper.class);
	}

	/** A mutable argument, as applications pass them. */
	public static class Bag {

		public String name;

		public List<String> items = new ArrayList<>();

	}

	public static class Keeper {

		Object[] kept;

		public int keep(Bag bag, byte[] data, String text) {
			this.kept = new Object[] { bag, data, text };
			data[0] = 'X';
			bag.items.add("worker's");
			return bag.items.size();
		}

		final Bag shelf = bag("shelf", "kept");

		public Bag shelf() {
			return this.shelf;
		}

		public String mix(String text, long number, List<String> items, java.util.Map<String, Double> values) {
			return text + number + items + values;
		}

		public String twice(String text) {
			return text + text;
		}

		public String twice(String text, int times) {
			return text.repeat(2 * times);
		}

	}

	private ClientMethod method(String name, Class<?>... parameters) {
		try {
			return ClientMethod.of("keeper", Keeper.class.getMethod(name, parameters), this.mapper, false);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Bag bag(String name, String... items) {
		Bag bag = new Bag();
		bag.name = name;
		bag.items.addAll(List.of(items));
		return bag;
	}

	@Test
	void tokensAreTheSameEnvelopeAsItsBytes() {
		Invocation invocation = Invocation.start(method("keep", Bag.class, byte[].class, String.class),
				new Object[] { bag("b", "one", "two"), new byte[] { 1, 2, 3 }, null }, 30 * SECOND);
		Envelope tokens = this.codec.encodeRequestInJvm(invocation, false);
		assertThat(tokens.inJvm()).isTrue();
		ObjectNode fromTokens = (ObjectNode) this.mapper.readTree(tokens.bytes());
		ObjectNode fromText = (ObjectNode) this.mapper.readTree(this.codec.encodeRequest(invocation));
		// The time left is read when each is written.
		assertThat(fromTokens.remove("timeoutMs").asLong()).isCloseTo(fromText.remove("timeoutMs").asLong(),
				org.assertj.core.data.Offset.offset(1000L));
		assertThat(fromTokens).isEqualTo(fromText);
		assertThat(fromTokens.get("args").get(1).asString()).isEqualTo("AQID");
		assertThat(tokens.bytes()).isSameAs(tokens.bytes());
	}

	@Test
	void theWorkerNeverSharesTheCallersMutableObjectsAndTakesItsStringsAsTheyAre() {
		Bag bag = bag("b", "caller's");
		byte[] data = "data".getBytes(StandardCharsets.UTF_8);
		String text = "x".repeat(1024);
		Invocation invocation = Invocation.start(method("keep", Bag.class, byte[].class, String.class),
				new Object[] { bag, data, text }, 30 * SECOND);
		Envelope request = this.codec.encodeRequestInJvm(invocation, false);
		// The caller changes its objects after the call is queued: the worker gets them as they were.
		bag.items.add("changed");
		data[1] = 'Z';
		Outcome outcome = this.executor.execute(this.executor.decode(request), System.nanoTime() + 30 * SECOND);
		assertThat(this.codec.readResult(outcome.body(), invocation.method())).isEqualTo(2);
		Bag worker = (Bag) this.keeper.kept[0];
		assertThat(worker).isNotSameAs(bag);
		assertThat(worker.items).isNotSameAs(bag.items).containsExactly("caller's", "worker's");
		assertThat(this.keeper.kept[1]).isNotSameAs(data).isEqualTo("Xata".getBytes(StandardCharsets.UTF_8));
		// And the worker's changes never reach the caller's.
		assertThat(bag.items).containsExactly("caller's", "changed");
		assertThat(data).isEqualTo("dZta".getBytes(StandardCharsets.UTF_8));
		// A string cannot change: it is handed over, neither written as text nor parsed again.
		assertThat(this.keeper.kept[2]).isSameAs(text);
		// The request itself is untouched by the worker: a retry or a dead letter made from it carries
		// the arguments as the caller sent them, and every reading binds arrays of its own.
		assertThat(this.mapper.readTree(request.bytes()).get("args").get(1).asString())
			.isEqualTo(java.util.Base64.getEncoder().encodeToString("data".getBytes(StandardCharsets.UTF_8)));
		Object[] again = this.executor.decode(request).bound();
		assertThat(again[1]).isNotSameAs(this.keeper.kept[1]).isEqualTo("data".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void aCallerInTheSameJvmGetsItsAnswerAsTokensNeverTheWorkersObjects() {
		Invocation shelf = Invocation.start(method("shelf"), new Object[0], 30 * SECOND);
		Outcome outcome = this.executor.execute(this.executor.decode(this.codec.encodeRequestInJvm(shelf, false)),
				System.nanoTime() + 30 * SECOND);
		assertThat(outcome.envelope().inJvm()).isTrue();
		Bag answer = (Bag) this.codec.readResult(outcome.envelope(), shelf.method());
		assertThat(answer).isNotSameAs(this.keeper.shelf);
		assertThat(answer.items).isNotSameAs(this.keeper.shelf.items).containsExactly("kept");
		answer.items.add("caller's");
		assertThat(this.keeper.shelf.items).containsExactly("kept");
		// Its bytes, when something asks for them, are the answer's JSON.
		assertThat(this.mapper.readTree(outcome.body()).get("result").get("items").get(0).asString()).isEqualTo("kept");

		Invocation twice = Invocation.start(method("twice", String.class), new Object[] { "y".repeat(512) }, 30 * SECOND);
		Outcome doubled = this.executor.execute(this.executor.decode(this.codec.encodeRequestInJvm(twice, false)),
				System.nanoTime() + 30 * SECOND);
		Object text = this.codec.readResult(doubled.envelope(), twice.method());
		assertThat(text).isEqualTo("y".repeat(1024));
		// A request that came as bytes is answered as bytes.
		Outcome fromBytes = this.executor.execute(this.executor.decode(Envelope.of(this.codec.encodeRequest(twice))),
				System.nanoTime() + 30 * SECOND);
		assertThat(fromBytes.envelope().inJvm()).isFalse();
		assertThat(this.codec.readResult(fromBytes.body(), twice.method())).isEqualTo(text);
	}

	@Test
	void anOverloadedMethodIsReadFromTokensAsFromBytes() {
		Invocation invocation = Invocation.start(method("twice", String.class, int.class), new Object[] { "ab", 2 },
				30 * SECOND);
		RequestEnvelope request = this.executor.decode(this.codec.encodeRequestInJvm(invocation, false));
		// Bound when it runs, as an overload read from bytes is.
		assertThat(request.args()).extracting(JsonNode::asString).containsExactly("ab", "2");
		assertThat(request.inJvm()).isTrue();
		Outcome outcome = this.executor.execute(request, System.nanoTime() + 30 * SECOND);
		assertThat(this.codec.readResult(outcome.envelope(), invocation.method())).isEqualTo("abababab");
	}

	@Property(tries = 500)
	void tokensAndBytesCarryTheSameArguments(@ForAll String text, @ForAll long number,
			@ForAll @Size(max = 5) List<@StringLength(max = 20) String> items,
			@ForAll @Size(max = 3) java.util.Map<@StringLength(max = 10) String, Double> values) {
		Invocation invocation = Invocation.start(method("mix", String.class, long.class, List.class, java.util.Map.class),
				new Object[] { text, number, items, values }, 30 * SECOND);
		Envelope tokens = this.codec.encodeRequestInJvm(invocation, false);
		RequestEnvelope fromTokens = this.executor.decode(tokens);
		RequestEnvelope fromText = this.executor.decode(Envelope.of(this.codec.encodeRequest(invocation)));
		assertThat(fromTokens.bound()).containsExactly(fromText.bound());
		ObjectNode written = (ObjectNode) this.mapper.readTree(tokens.bytes());
		assertThat(this.executor.decode(Envelope.of(tokens.bytes())).bound()).containsExactly(fromText.bound());
		assertThat(written.get("args")).isEqualTo(this.mapper.readTree(this.codec.encodeRequest(invocation)).get("args"));
	}

	@Test
	void anEnvelopeNeedsItsBytes() {
		assertThatThrownBy(() -> Envelope.of(null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("JSON bytes");
		assertThat(Envelope.of(new byte[] { '{', '}' }).inJvm()).isFalse();
	}

}
