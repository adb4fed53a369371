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
 */
public record QueueState(long depth, Duration oldestAge, long deadLetters, long scheduled, Duration nextDue) {

	/** A queue whose backend could not be read. */
	public static final QueueState UNKNOWN = new QueueState(-1, Duration.ZERO, -1, -1, null);

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
