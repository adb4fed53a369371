package io.execution.async;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

/**
 * Keeps execution records in this JVM, for the memory backend: they live as long as the
 * application and {@code retention} after their last change, whichever is shorter, and at most
 * {@code capacity} of them at once.
 */
public final class MemoryExecutionStore implements ExecutionStore {

	private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

	/** The most records held when no capacity is given. */
	public static final int DEFAULT_CAPACITY = 100_000;

	private final int capacity;

	private final Map<String, Entry> records = new ConcurrentHashMap<>();

	/** Batches: their executions' ids, for as long as a record lives. */
	private final Map<String, BatchEntry> batches = new ConcurrentHashMap<>();

	/** Idempotency keys: the id each is tied to, for as long as a record lives. */
	private final Map<String, Key> keys = new ConcurrentHashMap<>();

	private final Duration retention;

	private final LongSupplier nanoTime;

	private volatile long nextSweep;

	/**
	 * Makes an empty store.
	 * @param retention how long a record lives after its last change
	 */
	public MemoryExecutionStore(Duration retention) {
		this(retention, DEFAULT_CAPACITY, System::nanoTime);
	}

	/**
	 * Makes an empty store that holds at most {@code capacity} records: past it, finished
	 * records are dropped before their retention ends, and when none has finished a new
	 * execution is refused.
	 * @param retention how long a record lives after its last change
	 * @param capacity the most records held
	 */
	public MemoryExecutionStore(Duration retention, int capacity) {
		this(retention, capacity, System::nanoTime);
	}

	MemoryExecutionStore(Duration retention, int capacity, LongSupplier nanoTime) {
		this.retention = retention;
		this.capacity = capacity;
		this.nanoTime = nanoTime;
	}

	@Override
	public String name() {
		return "memory";
	}

	@Override
	public Duration retention() {
		return this.retention;
	}

	@Override
	public boolean create(ExecutionRecord record) {
		sweep();
		if (this.records.size() >= this.capacity) {
			makeRoom();
		}
		long now = this.nanoTime.getAsLong();
		boolean[] created = { false };
		this.records.compute(record.id(), (id, existing) -> {
			boolean here = existing != null && !existing.expired(now);
			if (!ExecutionChange.CREATE.appliesTo(here ? existing.record().status() : null)) {
				return existing;
			}
			created[0] = true;
			return new Entry(record, now + this.retention.toNanos());
		});
		return created[0];
	}

	@Override
	public Optional<ExecutionRecord> find(String id) {
		Entry entry = this.records.get(id);
		if (entry == null) {
			return Optional.empty();
		}
		if (entry.expired(this.nanoTime.getAsLong())) {
			this.records.remove(id, entry);
			return Optional.empty();
		}
		return Optional.of(entry.record());
	}

	@Override
	public void running(String id, String worker, Instant at) {
		change(id, ExecutionChange.RUNNING, (record) -> record.running(worker, at));
	}

	@Override
	public void progress(String id, double fraction, String message, Instant at) {
		long now = this.nanoTime.getAsLong();
		this.records.computeIfPresent(id, (key, entry) -> {
			if (entry.expired(now)) {
				return null;
			}
			if (!ExecutionChange.PROGRESS.appliesTo(entry.record().status())) {
				return entry;
			}
			boolean moved = !Double.isNaN(fraction);
			return new Entry(entry.record().reported(fraction, message, at, entry.reportedAt()),
					now + this.retention.toNanos(), moved ? at : entry.reportedAt());
		});
	}

	@Override
	public void located(String id, String location) {
		change(id, ExecutionChange.LOCATED, (record) -> record.at(location));
	}

	@Override
	public boolean finish(String id, ExecutionStatus status, JsonNode result, ExecutionRecord.Error error, Instant at) {
		return change(id, ExecutionChange.FINISH, (record) -> record.finished(status, result, error, at));
	}

	@Override
	public void retrying(String id, ExecutionRecord.Attempt attempt) {
		change(id, ExecutionChange.RETRY, (record) -> record.retrying(attempt));
	}

	@Override
	public boolean reopen(String id) {
		return change(id, ExecutionChange.REOPEN, ExecutionRecord::reopened);
	}

	/** Makes a change the state table allows from the record's state; none to a record not here. */
	private boolean change(String id, ExecutionChange kind, UnaryOperator<ExecutionRecord> change) {
		long now = this.nanoTime.getAsLong();
		boolean[] changed = { false };
		this.records.computeIfPresent(id, (key, entry) -> {
			if (entry.expired(now)) {
				return null;
			}
			if (!kind.appliesTo(entry.record().status())) {
				return entry;
			}
			changed[0] = true;
			return new Entry(change.apply(entry.record()), now + this.retention.toNanos(), entry.reportedAt());
		});
		return changed[0];
	}

	@Override
	public Optional<String> claim(String key, String id) {
		long now = this.nanoTime.getAsLong();
		long until = now + this.retention.toNanos();
		Key held = this.keys.compute(key, (k, existing) -> (existing != null && !existing.expired(now)) ? existing
				: new Key(id, until));
		return held.id().equals(id) ? Optional.empty() : Optional.of(held.id());
	}

	@Override
	public void createBatch(String id, List<String> executions) {
		this.batches.put(id, new BatchEntry(List.copyOf(executions), this.nanoTime.getAsLong() + this.retention.toNanos()));
	}

	@Override
	public Optional<List<String>> findBatch(String id) {
		BatchEntry batch = this.batches.get(id);
		if (batch == null || this.nanoTime.getAsLong() - batch.expiresAtNanos() >= 0) {
			return Optional.empty();
		}
		return Optional.of(batch.executions());
	}

	@Override
	public Optional<String> holder(String key) {
		Key held = this.keys.get(key);
		return (held != null && !held.expired(this.nanoTime.getAsLong())) ? Optional.of(held.id()) : Optional.empty();
	}

	@Override
	public boolean reclaim(String key, String from, String to) {
		long until = this.nanoTime.getAsLong() + this.retention.toNanos();
		boolean[] moved = { false };
		this.keys.computeIfPresent(key, (k, existing) -> {
			if (!existing.id().equals(from)) {
				return existing;
			}
			moved[0] = true;
			return new Key(to, until);
		});
		return moved[0];
	}

	@Override
	public List<ExecutionRecord> list(ExecutionQuery query) {
		long now = this.nanoTime.getAsLong();
		return this.records.values()
			.stream()
			.filter((entry) -> !entry.expired(now))
			.map(Entry::record)
			.filter(query::matches)
			.sorted(Comparator.comparing(ExecutionRecord::createdAt, Comparator.nullsLast(Comparator.reverseOrder()))
				.thenComparing(ExecutionRecord::id))
			.skip(query.offset())
			.limit(query.limit())
			.toList();
	}

	/** Full: drops expired records, then finished ones, down to nine tenths of the capacity. */
	private synchronized void makeRoom() {
		long now = this.nanoTime.getAsLong();
		this.records.values().removeIf((entry) -> entry.expired(now));
		int target = this.capacity - Math.max(1, this.capacity / 10);
		var entries = this.records.entrySet().iterator();
		while (this.records.size() > target && entries.hasNext()) {
			if (entries.next().getValue().record().status().isFinished()) {
				entries.remove();
			}
		}
		if (this.records.size() >= this.capacity) {
			throw new io.execution.ExecutionRejectedException("The execution store holds " + this.records.size()
					+ " executions that have not finished, its capacity (execution.executions.memory-capacity);"
					+ " a new one is refused");
		}
	}

	private void sweep() {
		long now = this.nanoTime.getAsLong();
		if (now - this.nextSweep < 0) {
			return;
		}
		this.nextSweep = now + SWEEP_INTERVAL_NANOS;
		this.records.values().removeIf((entry) -> entry.expired(now));
		this.keys.values().removeIf((key) -> key.expired(now));
		this.batches.values().removeIf((batch) -> now - batch.expiresAtNanos() >= 0);
	}

	/** The number of records held, expired ones included until they are swept. */
	int size() {
		return this.records.size();
	}

	private record BatchEntry(List<String> executions, long expiresAtNanos) {
	}

	private record Key(String id, long expiresAtNanos) {

		boolean expired(long now) {
			return now - this.expiresAtNanos >= 0;
		}

	}

	/** A record, when it expires, and when its progress was last reported (for the estimate). */
	private record Entry(ExecutionRecord record, long expiresAtNanos, Instant reportedAt) {

		Entry(ExecutionRecord record, long expiresAtNanos) {
			this(record, expiresAtNanos, null);
		}

		boolean expired(long now) {
			return now - this.expiresAtNanos >= 0;
		}

	}

}
