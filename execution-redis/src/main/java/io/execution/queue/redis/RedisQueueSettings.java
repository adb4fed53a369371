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
 * @param retention how long keys nobody touches live (idle queues, unread replies, markers,
 * delivery counts)
 * @param deadLetterRetention how long a queue's dead letters are kept after the last one came
 * @param deadLetterLimit the most dead letters kept per queue; past it the oldest go
 * @param callbackThreads makes the threads that complete callers' futures and run their
 * callbacks ({@code execution-redis-callbacks}), virtual ones when the application runs on them;
 * {@code null} for platform daemon threads
 */
public record RedisQueueSettings(String prefix, int capacity, Duration visibilityTimeout, int maxDeliveries,
		Duration retention, Duration deadLetterRetention, int deadLetterLimit,
		java.util.concurrent.ThreadFactory callbackThreads) {

	/**
	 * Settings with platform daemon threads for the callbacks.
	 * @param prefix the key prefix
	 * @param capacity the most requests one queue holds
	 * @param visibilityTimeout the lease of a taken request
	 * @param maxDeliveries how often a request may be taken
	 * @param retention how long untouched keys live
	 * @param deadLetterRetention how long a queue's dead letters are kept
	 * @param deadLetterLimit the most dead letters kept per queue
	 */
	public RedisQueueSettings(String prefix, int capacity, Duration visibilityTimeout, int maxDeliveries,
			Duration retention, Duration deadLetterRetention, int deadLetterLimit) {
		this(prefix, capacity, visibilityTimeout, maxDeliveries, retention, deadLetterRetention, deadLetterLimit, null);
	}

	/**
	 * Settings with the dead-letter defaults: kept 7 days, at most 10,000 per queue.
	 * @param prefix the key prefix
	 * @param capacity the most requests one queue holds
	 * @param visibilityTimeout the lease of a taken request
	 * @param maxDeliveries how often a request may be taken
	 * @param retention how long untouched keys live
	 */
	public RedisQueueSettings(String prefix, int capacity, Duration visibilityTimeout, int maxDeliveries,
			Duration retention) {
		this(prefix, capacity, visibilityTimeout, maxDeliveries, retention, Duration.ofDays(7), 10_000);
	}

	/** The key whose presence pauses a queue for every worker. */
	String paused(String queue) {
		return this.prefix + ":{q:" + queue + "}:paused";
	}

	/** The consumer group every worker of a queue reads in. */
	static final String GROUP = "workers";

	String requests(String queue) {
		return this.prefix + ":{q:" + queue + "}:requests";
	}

	/** The first part of every key of a queue's lanes (priorities, fairness keys, requirements). */
	String laneBase(String queue) {
		return this.prefix + ":{q:" + queue + "}:";
	}

	/** The stream requests taken from lanes are moved to, to be leased and acknowledged as any entry. */
	String laned(String queue) {
		return this.prefix + ":{q:" + queue + "}:laned";
	}

	/** The sorted set of a queue's priority levels with requests staged. */
	String levels(String queue) {
		return this.prefix + ":{q:" + queue + "}:levels";
	}

	/** Scheduled requests' lanes, for those due into a lane other than the plain one. */
	String scheduledLanes(String queue) {
		return this.prefix + ":{q:" + queue + "}:scheduled-lanes";
	}

	/** The take-over counts of the laned stream's entries (the plain stream's are {@link #attempts}). */
	String lanedAttempts(String queue) {
		return this.prefix + ":{q:" + queue + "}:laned-attempts";
	}

	/** The stashed replies of the laned stream's entries (the plain stream's are {@link #answered}). */
	String lanedAnswered(String queue) {
		return this.prefix + ":{q:" + queue + "}:laned-answered";
	}

	String attempts(String queue) {
		return this.prefix + ":{q:" + queue + "}:attempts";
	}

	/** The replies of a queue's requests that were answered and not yet acknowledged. */
	String answered(String queue) {
		return this.prefix + ":{q:" + queue + "}:answered";
	}

	String deadLetters(String queue) {
		return this.prefix + ":{q:" + queue + "}:dead";
	}

	/**
	 * How many of a queue's global concurrency slots each consumer holds.
	 * @param queue the queue
	 * @return the key
	 */
	public String slots(String queue) {
		return this.prefix + ":{q:" + queue + "}:slots";
	}

	/**
	 * A queue's start-token bucket (its rate limit).
	 * @param queue the queue
	 * @return the key
	 */
	public String startTokens(String queue) {
		return this.prefix + ":{q:" + queue + "}:start-tokens";
	}

	/**
	 * When each consumer's slots lapse unless renewed.
	 * @param queue the queue
	 * @return the key
	 */
	public String slotLeases(String queue) {
		return this.prefix + ":{q:" + queue + "}:slot-leases";
	}

	/**
	 * The requests of a queue held until they are due: invocation ids scored by due time.
	 * @param queue the queue
	 * @return the key
	 */
	public String scheduled(String queue) {
		return this.prefix + ":{q:" + queue + "}:scheduled";
	}

	/**
	 * The bodies of a queue's scheduled requests, by invocation id.
	 * @param queue the queue
	 * @return the key
	 */
	public String scheduledBodies(String queue) {
		return this.prefix + ":{q:" + queue + "}:scheduled-bodies";
	}

	String cancelMarker(String queue, String invocationId) {
		return this.prefix + ":{q:" + queue + "}:cancel:" + invocationId;
	}

	/**
	 * The chunks the caller of a streamed call has granted its worker so far, beside the
	 * caller's reply list (same slot).
	 * @param replyKey the caller's reply list
	 * @param invocationId the call
	 * @return the key
	 */
	String credit(String replyKey, String invocationId) {
		return replyKey + ":credit:" + invocationId;
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
