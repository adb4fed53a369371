package io.execution.core;

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

}
