package io.execution.core;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invocation ids: the process's random prefix, a dash, then the counter in lower-case hex — as
 * long as the counter needs, whatever its size.
 */
class InvocationIdsTest {

	@Test
	void idsAreThePrefixAndTheCounterInHexAndNeverRepeat() {
		Set<String> seen = new HashSet<>();
		String first = InvocationIds.next();
		String prefix = first.substring(0, first.indexOf('-') + 1);
		assertThat(prefix).matches("[0-9a-f]{16}-");
		long counter = Long.parseLong(first.substring(prefix.length()), 16);
		for (int i = 1; i <= 5000; i++) {
			String id = InvocationIds.next();
			assertThat(seen.add(id)).isTrue();
			assertThat(id).startsWith(prefix);
			long next = Long.parseLong(id.substring(prefix.length()), 16);
			assertThat(next).isGreaterThan(counter);
			assertThat(id.substring(prefix.length())).isEqualTo(Long.toHexString(next));
			counter = next;
		}
	}

}
