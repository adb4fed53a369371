package io.execution.recurring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The recurring calls' state in this JVM: the memory backend's, whose instances are this one. */
public final class MemoryRecurringStore implements RecurringStore {

	private final Map<String, State> states = new ConcurrentHashMap<>();

	private State state(String name) {
		return this.states.computeIfAbsent(name, (key) -> new State());
	}

	@Override
	public Optional<Instant> lastDue(String name) {
		State state = this.states.get(name);
		synchronized (this) {
			return (state != null && !state.recent.isEmpty()) ? Optional.of(state.recent.get(0)) : Optional.empty();
		}
	}

	@Override
	public synchronized void ticked(String name, Instant due) {
		List<Instant> recent = state(name).recent;
		// Newest first, each tick once, whatever order the ticks are recorded in.
		int at = 0;
		while (at < recent.size() && recent.get(at).isAfter(due)) {
			at++;
		}
		if (at < recent.size() && recent.get(at).equals(due)) {
			return;
		}
		recent.add(at, due);
		if (recent.size() > HISTORY) {
			recent.remove(recent.size() - 1);
		}
	}

	@Override
	public synchronized List<Instant> recent(String name) {
		State state = this.states.get(name);
		return (state != null) ? List.copyOf(state.recent) : List.of();
	}

	@Override
	public boolean paused(String name) {
		State state = this.states.get(name);
		return state != null && state.paused;
	}

	@Override
	public void pause(String name, boolean paused) {
		state(name).paused = paused;
	}

	private static final class State {

		private final List<Instant> recent = new ArrayList<>();

		private volatile boolean paused;

	}

}
