package io.execution.queue;

import java.time.Duration;

/**
 * What a queue holds now.
 *
 * @param depth the requests in it (memory: waiting; redis: waiting and running), -1 when unknown
 * @param oldestAge how long its oldest request has been there
 * @param deadLetters requests kept as dead letters
 */
public record QueueState(long depth, Duration oldestAge, long deadLetters) {

	/** A queue whose backend could not be read. */
	public static final QueueState UNKNOWN = new QueueState(-1, Duration.ZERO, -1);

}
