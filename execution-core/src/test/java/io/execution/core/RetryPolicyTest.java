package io.execution.core;

import java.util.List;

import io.execution.ExecutionDefinitionException;
import io.execution.Idempotent;
import io.execution.RetryFailed;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.RequestEnvelope;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The one retry policy: its waits, its span, what it never retries, how it is declared and how it travels. */
class RetryPolicyTest {

	@Property(tries = 500)
	void everyWaitIsWithinItsJitterAndNeverLongerThanTheLongest(@ForAll @IntRange(min = 2, max = 100) int attempts,
			@ForAll @LongRange(min = 0, max = 60_000) long initial, @ForAll @DoubleRange(min = 1, max = 10) double multiplier,
			@ForAll @DoubleRange(min = 0, max = 1) double jitter, @ForAll @IntRange(min = 1, max = 99) int failed) {
		RetryPolicy policy = new RetryPolicy(attempts, initial, multiplier, initial * 20, jitter, List.of(), false, false);
		double base = Math.min(initial * 20, initial * Math.pow(multiplier, failed - 1));
		long delay = policy.delayMillis(failed);
		assertThat(delay).isBetween((long) Math.floor(base * (1 - jitter)) - 1, policy.maxIntervalMillis());
		assertThat(delay).isLessThanOrEqualTo((long) Math.ceil(base * (1 + jitter)) + 1);
		// The span an execution is given holds every attempt and the longest of every wait.
		assertThat(policy.spanMillis(1_000)).isGreaterThanOrEqualTo(attempts * 1_000L + (attempts - 1) * Math.min(initial, 1));
	}

	@Test
	void waitsGrowByTheMultiplierWithoutJitter() {
		RetryPolicy policy = new RetryPolicy(5, 100, 2, 500, 0, List.of(), false, false);
		assertThat(List.of(policy.delayMillis(1), policy.delayMillis(2), policy.delayMillis(3), policy.delayMillis(4)))
			.containsExactly(100L, 200L, 400L, 500L);
		assertThat(policy.spanMillis(1_000)).isEqualTo(5 * 1_000 + 100 + 200 + 400 + 500);
	}

	@Test
	void anExceptionNeverRetriedIncludesItsSubclasses() {
		RetryPolicy policy = new RetryPolicy(3, 0, 1, 0, 0, List.of(IllegalArgumentException.class.getName()), false,
				false);
		assertThat(policy.retries(new IllegalArgumentException())).isFalse();
		assertThat(policy.retries(new NumberFormatException())).isFalse();
		assertThat(policy.retries(new IllegalStateException())).isTrue();
	}

	@Test
	void numbersOutOfRangeAreNamed() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RetryPolicy(1, 0, 1, 0, 0, List.of(), false, false))
			.withMessageContaining("max-attempts");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RetryPolicy(3, 100, 1, 50, 0, List.of(), false, false))
			.withMessageContaining("max-interval");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RetryPolicy(3, 0, 0.5, 0, 0, List.of(), false, false))
			.withMessageContaining("multiplier");
	}

	interface Declared {

		@Idempotent
		@RetryFailed(maxAttempts = 4, initialInterval = "2s", maxInterval = "1m", neverFor = IllegalArgumentException.class,
				deadLetter = true)
		String idempotent();

		@RetryFailed
		String notIdempotent();

		@RetryFailed(nonIdempotent = true)
		String saidSafe();

		@Idempotent
		@RetryFailed(maxAttempts = 1)
		String oneAttempt();

		@Idempotent
		@RetryFailed(initialInterval = "soon")
		String badInterval();

	}

	@Test
	void theAnnotationDeclaresAPolicyOnceAndNamesWhatToFix() throws Exception {
		RetryPolicy policy = RetryPolicy.declaredBy("declared", Declared.class.getMethod("idempotent"), true);
		assertThat(policy).isEqualTo(new RetryPolicy(4, 2_000, 2.0, 60_000, 0.2,
				List.of(IllegalArgumentException.class.getName()), false, true));
		assertThatExceptionOfType(ExecutionDefinitionException.class)
			.isThrownBy(() -> RetryPolicy.declaredBy("declared", Declared.class.getMethod("notIdempotent"), false))
			.withMessageContaining("not @Idempotent")
			.withMessageContaining("nonIdempotent = true");
		assertThat(RetryPolicy.declaredBy("declared", Declared.class.getMethod("saidSafe"), false).nonIdempotent()).isTrue();
		assertThatExceptionOfType(ExecutionDefinitionException.class)
			.isThrownBy(() -> RetryPolicy.declaredBy("declared", Declared.class.getMethod("oneAttempt"), true))
			.withMessageContaining("maxAttempts must be from 2");
		assertThatExceptionOfType(ExecutionDefinitionException.class)
			.isThrownBy(() -> RetryPolicy.declaredBy("declared", Declared.class.getMethod("badInterval"), true))
			.withMessageContaining("initialInterval \"soon\" is not a duration");
	}

	@Test
	void anEndpointsPolicyCoversOnlyMethodsThatMayRunAgainAndAMethodsOwnWins() throws Exception {
		JsonMapper mapper = JsonMapper.builder().build();
		RetryPolicy endpoint = new RetryPolicy(2, 10, 1, 10, 0, List.of(), false, false);
		EndpointDefinition definition = new EndpointDefinition("declared", "queue", java.time.Duration.ofSeconds(1))
			.retryingFailed(endpoint);
		ClientMethod own = ClientMethod.of("declared", Declared.class.getMethod("idempotent"), mapper, true);
		assertThat(RetryPolicy.of(own, definition)).isEqualTo(own.retry()).isNotEqualTo(endpoint);
		ClientMethod plain = ClientMethod.of("declared", Object.class.getMethod("toString"), mapper, false);
		assertThat(RetryPolicy.of(plain, definition)).isNull();
		ClientMethod idempotent = ClientMethod.of("declared", Object.class.getMethod("toString"), mapper, true);
		assertThat(RetryPolicy.of(idempotent, definition)).isEqualTo(endpoint);
		assertThat(RetryPolicy.of(plain, definition.retryingFailed(new RetryPolicy(2, 10, 1, 10, 0, List.of(), true,
				false)))).isNotNull();
	}

	@Test
	void aPolicyTravelsInTheEnvelopeAndTheNextAttemptIsOneOn() throws Exception {
		JsonMapper mapper = JsonMapper.builder().build();
		EnvelopeCodec codec = new EnvelopeCodec(mapper);
		ClientMethod method = ClientMethod.of("declared", Declared.class.getMethod("idempotent"), mapper, true);
		RetryPolicy.Retries retries = new RetryPolicy.Retries(method.retry(), 1, 30_000);
		Invocation invocation = new Invocation("i-1", method, new Object[0], System.nanoTime() + 60_000_000_000L,
				List.of("declared"), java.util.Map.of(), null, 0, null, retries);
		byte[] body = codec.encodeRequest(invocation);
		RequestEnvelope read = codec.decodeRequest(body);
		assertThat(read.retries()).isEqualTo(retries);
		RequestEnvelope next = codec.decodeRequest(codec.nextAttempt(body, retries.next(), 1234));
		assertThat(next.retries()).isEqualTo(retries.next());
		assertThat(next.retries().attempt()).isEqualTo(2);
		assertThat(next.timeoutMs()).isEqualTo(1234);
		assertThat(next.id()).isEqualTo("i-1");
	}

}
