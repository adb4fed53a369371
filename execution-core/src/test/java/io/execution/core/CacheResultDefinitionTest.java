package io.execution.core;

import java.util.List;

import java.time.Duration;
import java.util.stream.Stream;

import io.execution.CacheResult;
import io.execution.ExecutionDefinitionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @CacheResult} is read once per client method, and a declaration that cannot work says so. */
class CacheResultDefinitionTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	interface Declared {

		@CacheResult(ttl = "30s")
		String seconds(String in);

		@CacheResult(ttl = "PT2M")
		String iso(String in);

		@CacheResult(ttl = "250ms")
		String millis(String in);

		String none(String in);

		@CacheResult(ttl = "30s")
		Stream<String> stream(String in);

		@CacheResult(ttl = "30s")
		void nothing(String in);

		@CacheResult(ttl = "soon")
		String vague(String in);

		@CacheResult(ttl = "0s")
		String zero(String in);

	}

	private static ClientMethod method(String name) throws Exception {
		return ClientMethod.of("declared", Declared.class.getMethod(name, String.class), MAPPER, false);
	}

	@Test
	void theTimeToLiveIsRead() throws Exception {
		assertThat(method("seconds").cacheFor()).isEqualTo(Duration.ofSeconds(30));
		assertThat(method("iso").cacheFor()).isEqualTo(Duration.ofMinutes(2));
		assertThat(method("millis").cacheFor()).isEqualTo(Duration.ofMillis(250));
		assertThat(method("none").cacheFor()).isNull();
	}

	@Test
	void declarationsThatCannotWorkAreRefusedNamingTheMethod() {
		assertThatThrownBy(() -> method("stream")).isInstanceOf(ExecutionDefinitionException.class)
			.hasMessageContaining("declared.stream");
		assertThatThrownBy(() -> method("nothing")).isInstanceOf(ExecutionDefinitionException.class)
			.hasMessageContaining("void");
		assertThatThrownBy(() -> method("vague")).isInstanceOf(ExecutionDefinitionException.class)
			.hasMessageContaining("30s");
		assertThatThrownBy(() -> method("zero")).isInstanceOf(ExecutionDefinitionException.class)
			.hasMessageContaining("positive");
	}


	/**
	 * The narrow window across processes: this call missed, and before it claims the key the
	 * other process put its result and gave up its claim. The claim then succeeds; the result
	 * that landed meanwhile must be read instead of the method run again.
	 */
	@Test
	void aResultPutBetweenAMissAndTheClaimIsReadNotRunAgain() throws Exception {
		byte[] theirs = MAPPER.writeValueAsBytes("theirs");
		java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();
		ResultCache raced = new ResultCache() {

			@Override
			public byte[] get(String key) {
				// The first look misses; the other process's result lands right after it.
				return (gets.getAndIncrement() == 0) ? null : theirs;
			}

			@Override
			public void put(String key, byte[] result, java.time.Duration ttl) {
			}

			@Override
			public boolean lead(String key, java.time.Duration lease) {
				// Their claim is already given up: this process leads.
				return true;
			}

		};
		TransportFactory never = new TransportFactory() {

			@Override
			public String mode() {
				return "fake";
			}

			@Override
			public Transport create(EndpointDefinition endpoint) {
				return (invocation) -> {
					throw new AssertionError("the call must not be sent");
				};
			}

		};
		Endpoints endpoints = new Endpoints(List.of(new EndpointDefinition("declared", "fake",
				java.time.Duration.ofSeconds(5))), List.of(never), (name) -> false, java.time.Duration.ofSeconds(5),
				(endpoint) -> null);
		CacheStage stage = new CacheStage(raced, MAPPER, ExecutionEvents.NONE, endpoints);
		java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
		Object result = stage.call(method("seconds"), new Object[] { "x" }, () -> {
			runs.incrementAndGet();
			return "mine";
		});
		assertThat(result).isEqualTo("theirs");
		assertThat(runs).hasValue(0);
	}

}
