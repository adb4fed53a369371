package io.execution.queue.redis;

import java.time.Duration;

/**
 * How the Redis queues behave.
 *
 * @param prefix the first part of every key, so that several applications share a Redis
 * @param capacity the most requests one queue holds (waiting and running)
 * @param visibilityTimeout how long a request taken by a worker that stopped renewing its lease
 * stays with it before another worker of the pool takes it over
 * @param maxDeliveries how often a request may be taken before it becomes a dead letter
 * @param retention how long keys nobody touches live (idle queues, unread replies, markers)
 */
public record RedisQueueSettings(String prefix, int capacity, Duration visibilityTimeout, int maxDeliveries,
		Duration retention) {

	/** The consumer group every worker of a queue reads in. */
	static final String GROUP = "workers";

	String requests(String queue) {
		return this.prefix + ":{q:" + queue + "}:requests";
	}

	String attempts(String queue) {
		return this.prefix + ":{q:" + queue + "}:attempts";
	}

	String deadLetters(String queue) {
		return this.prefix + ":{q:" + queue + "}:dead";
	}

	String cancelMarker(String queue, String invocationId) {
		return this.prefix + ":{q:" + queue + "}:cancel:" + invocationId;
	}

	String replies(String caller) {
		return this.prefix + ":{c:" + caller + "}:replies";
	}

	/**
	 * Whether a key is a caller's reply list under this prefix: the only keys a worker pushes
	 * replies into, whatever a request's {@code reply} field says.
	 */
	boolean isReplyKey(String key) {
		String start = this.prefix + ":{c:";
		String end = "}:replies";
		return key != null && key.length() > start.length() + end.length() && key.startsWith(start)
				&& key.endsWith(end) && key.indexOf('}', start.length()) == key.length() - end.length();
	}

}
