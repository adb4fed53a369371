package io.execution.queue;

import java.time.Duration;

/**
 * What a queue holds now.
 *
 * @param depth the requests in it (memory: waiting; redis: waiting and running), -1 when unknown
 * @param oldestAge how long its oldest request has been there
 * @param deadLetters requests kept as dead letters
 * @param scheduled requests held until they are due, -1 when unknown
 * @param nextDue how long until the next of them is due, {@code null} when none is
 * @param lanes the requests waiting outside the plain lane, by priority, fairness key and
 * requirement (at most 100 lanes listed; they count in {@code depth} too)
 */
public record QueueState(long depth, Duration oldestAge, long deadLetters, long scheduled, Duration nextDue,
		java.util.List<LaneDepth> lanes) {

	/** A queue whose backend could not be read. */
	public static final QueueState UNKNOWN = new QueueState(-1, Duration.ZERO, -1, -1, null);

	public QueueState {
		lanes = (lanes != null) ? java.util.List.copyOf(lanes) : java.util.List.of();
	}

	/**
	 * A queue whose requests all wait in the plain lane.
	 * @param depth the requests waiting or running
	 * @param oldestAge how long the oldest has waited
	 * @param deadLetters the dead letters it keeps
	 * @param scheduled requests held until they are due
	 * @param nextDue how long until the next of them is due, or {@code null}
	 */
	public QueueState(long depth, Duration oldestAge, long deadLetters, long scheduled, Duration nextDue) {
		this(depth, oldestAge, deadLetters, scheduled, nextDue, java.util.List.of());
	}

	/**
	 * A queue with nothing scheduled.
	 * @param depth the requests waiting or running
	 * @param oldestAge how long the oldest has waited
	 * @param deadLetters the dead letters it keeps
	 */
	public QueueState(long depth, Duration oldestAge, long deadLetters) {
		this(depth, oldestAge, deadLetters, 0, null);
	}

}
