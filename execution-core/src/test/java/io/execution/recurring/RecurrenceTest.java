package io.execution.recurring;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Due times every instance agrees on, and the store of ticks. */
class RecurrenceTest {

	@Property(tries = 500)
	void aRatesNextDueTimeIsTheNextMultipleOfTheRateWhateverTheInstant(
			@ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long at, @ForAll @LongRange(min = 1, max = 86_400) long seconds) {
		Recurrence every = Recurrence.every(Duration.ofSeconds(seconds));
		Instant next = every.next(Instant.ofEpochMilli(at));
		assertThat(next).isAfter(Instant.ofEpochMilli(at));
		assertThat(next.toEpochMilli() % (seconds * 1000)).isZero();
		assertThat(Duration.between(Instant.ofEpochMilli(at), next)).isLessThanOrEqualTo(Duration.ofSeconds(seconds));
	}

	@Property(tries = 300)
	void aCronsNextDueTimeIsAfterTheInstantAndOnItsFields(@ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long at) {
		Recurrence daily = Recurrence.cron("0 30 2 * * *", ZoneId.of("Europe/Paris"));
		Instant next = daily.next(Instant.ofEpochMilli(at));
		assertThat(next).isAfter(Instant.ofEpochMilli(at));
		assertThat(next.atZone(ZoneId.of("Europe/Paris")).getMinute()).isEqualTo(30);
	}

	@Test
	void aWrongExpressionOrRateIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> Recurrence.cron("0 0 25 * * *", ZoneId.of("UTC")))
			.withMessageContaining("'0 0 25 * * *' is not a cron expression");
		assertThatIllegalArgumentException().isThrownBy(() -> Recurrence.every(Duration.ofMillis(500)))
			.withMessageContaining("one second or more");
		assertThat(Recurrence.every(Duration.ofSeconds(90)).toString()).isEqualTo("every 1m30s");
		assertThat(Recurrence.cron("@hourly", ZoneId.of("UTC")).toString()).isEqualTo("cron '@hourly' UTC");
	}

	@Test
	void theMemoryStoreKeepsTheLatestTickMovingForwardOnly() {
		MemoryRecurringStore store = new MemoryRecurringStore();
		Instant t = Instant.parse("2026-12-06T10:00:00Z");
		store.ticked("a", t);
		store.ticked("a", t.minusSeconds(5));
		store.ticked("a", t.plusSeconds(5));
		assertThat(store.lastDue("a")).contains(t.plusSeconds(5));
		// An older tick recorded late (another instance's) is kept in its place.
		assertThat(store.recent("a")).containsExactly(t.plusSeconds(5), t, t.minusSeconds(5));
		for (int i = 0; i < 30; i++) {
			store.ticked("a", t.plusSeconds(10 + i));
		}
		assertThat(store.recent("a")).hasSize(RecurringStore.HISTORY);
		assertThat(store.paused("a")).isFalse();
		store.pause("a", true);
		assertThat(store.paused("a")).isTrue();
		assertThat(store.lastDue("b")).isEmpty();
		assertThat(List.of(store.recent("b"))).containsExactly(List.of());
	}

}
