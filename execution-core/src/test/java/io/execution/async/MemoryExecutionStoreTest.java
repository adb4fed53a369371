package io.execution.async;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryExecutionStoreTest {

	private final AtomicLong now = new AtomicLong();

	private final MemoryExecutionStore store = new MemoryExecutionStore(Duration.ofSeconds(10), 100, this.now::get);

	private static ExecutionRecord pending(String id) {
		return ExecutionRecord.pending(id, "jobs", "work", 2, "jobs", "local", Instant.EPOCH);
	}

	@Test
	void anIdIsCreatedOnce() {
		assertThat(this.store.create(pending("a"))).isTrue();
		this.store.running("a", "w1", Instant.EPOCH);
		assertThat(this.store.create(pending("a"))).isFalse();
		assertThat(this.store.find("a").orElseThrow().status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void theFirstFinalStateWinsAndNothingMovesItBack() {
		this.store.create(pending("a"));
		this.store.running("a", "w1", Instant.EPOCH);
		assertThat(this.store.finish("a", ExecutionStatus.CANCELLED, null,
				new ExecutionRecord.Error("cancelled", null, "by test"), Instant.EPOCH.plusSeconds(1))).isTrue();

		assertThat(this.store.finish("a", ExecutionStatus.SUCCEEDED, JsonNodeFactory.instance.textNode("late"), null,
				Instant.EPOCH.plusSeconds(2))).isFalse();
		this.store.running("a", "w2", Instant.EPOCH.plusSeconds(3));
		this.store.progress("a", 0.9, "late", Instant.EPOCH.plusSeconds(3));

		ExecutionRecord record = this.store.find("a").orElseThrow();
		assertThat(record.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(record.worker()).isEqualTo("w1");
		assertThat(record.result()).isNull();
		assertThat(record.message()).isNull();
	}

	@Test
	void progressGivesAnEstimatedCompletionAndEveryChangeAVersion() {
		this.store.create(pending("a"));
		this.store.running("a", "w1", Instant.EPOCH.plusSeconds(10));
		this.store.progress("a", 0.25, "a quarter", Instant.EPOCH.plusSeconds(20));

		ExecutionRecord record = this.store.find("a").orElseThrow();
		assertThat(record.estimatedCompletion()).isEqualTo(Instant.EPOCH.plusSeconds(50));
		assertThat(record.version()).isEqualTo(3);
	}

	@Test
	void aRecordExpiresRetentionAfterItsLastChange() {
		this.store.create(pending("a"));
		this.now.addAndGet(Duration.ofSeconds(9).toNanos());
		this.store.running("a", "w1", Instant.EPOCH);
		this.now.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(this.store.find("a")).isPresent();

		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.store.find("a")).isEmpty();
		this.store.finish("a", ExecutionStatus.SUCCEEDED, null, null, Instant.EPOCH);
		assertThat(this.store.find("a")).isEmpty();
	}

	@Test
	void pastItsCapacityFinishedRecordsMakeRoomAndUnfinishedOnesAreKept() {
		MemoryExecutionStore small = new MemoryExecutionStore(Duration.ofHours(1), 10, this.now::get);
		for (int i = 0; i < 10; i++) {
			small.create(pending("r" + i));
		}
		small.finish("r3", ExecutionStatus.SUCCEEDED, null, null, Instant.EPOCH);

		assertThat(small.create(pending("new"))).isTrue();
		assertThat(small.find("r3")).isEmpty();
		assertThat(small.find("r4")).isPresent();
		assertThatThrownBy(() -> small.create(pending("one-too-many")))
			.isInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("execution.executions.memory-capacity");
	}

	@Test
	void expiredRecordsAreSweptWhenOthersAreCreated() {
		this.store.create(pending("a"));
		this.now.addAndGet(Duration.ofSeconds(11).toNanos());
		this.store.create(pending("b"));
		assertThat(this.store.size()).isEqualTo(1);
	}

}
