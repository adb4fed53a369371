package io.execution.core;

import java.util.ArrayList;
import java.util.List;

import io.execution.ExecutionRejectedException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chain a call carries: re-entering an endpoint or going deeper than ten is rejected.
 */
class CallChainTest {

	interface Hop {

		String hop();

	}

	private final ClientMethod method = ClientMethod.of("hop", Hop.class.getMethods()[0], JsonMapper.builder().build(),
			false);

	@Test
	void extendsAChain() {
		assertThat(CallChain.extend(List.of(), "a", this.method)).containsExactly("a");
		assertThat(CallChain.extend(List.of("a"), "b", this.method)).containsExactly("a", "b");
	}

	@Test
	void rejectsReenteringAnEndpoint() {
		assertThatThrownBy(() -> CallChain.extend(List.of("a", "b"), "a", this.method))
			.isInstanceOf(ExecutionRejectedException.class)
			.hasMessageContaining("cycle")
			.hasMessageContaining("a -> b");
	}

	@Test
	void rejectsAChainDeeperThanTen() {
		List<String> chain = new ArrayList<>();
		for (int i = 0; i < CallChain.MAX_DEPTH; i++) {
			chain = CallChain.extend(chain, "e" + i, this.method);
		}
		List<String> full = chain;
		assertThat(full).hasSize(10);
		assertThatThrownBy(() -> CallChain.extend(full, "e10", this.method))
			.isInstanceOf(ExecutionRejectedException.class)
			.hasMessageContaining("deeper than 10");
	}

	@Test
	void theCurrentChainIsScopedToTheCall() {
		assertThat(CallChain.current()).isEmpty();
		CallChain.Serving previous = CallChain.enter(List.of("a"));
		assertThat(CallChain.current()).containsExactly("a");
		CallChain.restore(previous);
		assertThat(CallChain.current()).isEmpty();
	}

	@Test
	void aCallMadeWhileServingEndsByTheServedCallsDeadline() {
		long now = System.nanoTime();
		assertThat(CallChain.deadline(now + 5_000)).isEqualTo(now + 5_000);
		CallChain.Serving previous = CallChain.enter(List.of("a"), now + 1_000);
		try {
			assertThat(CallChain.deadline(now + 5_000)).isEqualTo(now + 1_000);
			assertThat(CallChain.deadline(now + 500)).isEqualTo(now + 500);
			CallChain.Serving inner = CallChain.enter(List.of("a"));
			assertThat(CallChain.deadline(now + 5_000)).as("an execution being started has no deadline to inherit")
				.isEqualTo(now + 5_000);
			CallChain.restore(inner);
		}
		finally {
			CallChain.restore(previous);
		}
		assertThat(CallChain.deadline(now + 5_000)).isEqualTo(now + 5_000);
	}

}
