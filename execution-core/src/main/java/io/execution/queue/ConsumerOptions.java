package io.execution.queue;

import java.time.Duration;
import java.util.Map;

/**
 * How a worker pool takes a queue's requests.
 *
 * @param limits the queue's limits across every worker ({@link QueueLimits#NONE} for none)
 * @param tags this worker's tags: it takes only requests whose requirement they meet
 * @param weights fairness keys' weights (a key of weight 3 gets three requests taken per turn;
 * keys not listed weigh 1)
 * @param priorityAging how long a priority level may go without a request taken before its
 * oldest is taken ahead of higher ones ({@link Duration#ZERO} for strict priority)
 */
public record ConsumerOptions(QueueLimits limits, Map<String, String> tags, Map<String, Integer> weights,
		Duration priorityAging) {

	/** No limit, no tag, equal weights, five seconds of aging. */
	public static final ConsumerOptions DEFAULT = new ConsumerOptions(QueueLimits.NONE, Map.of(), Map.of(),
			Duration.ofSeconds(5));

	public ConsumerOptions {
		limits = (limits != null) ? limits : QueueLimits.NONE;
		tags = (tags != null) ? Map.copyOf(tags) : Map.of();
		weights = (weights != null) ? Map.copyOf(weights) : Map.of();
		priorityAging = (priorityAging != null) ? priorityAging : Duration.ZERO;
	}

	/**
	 * A fairness key's weight.
	 * @param key the key
	 * @return its weight, 1 unless configured
	 */
	public int weight(String key) {
		Integer weight = (key != null) ? this.weights.get(key) : null;
		return (weight != null && weight > 0) ? weight : 1;
	}

	/**
	 * These options with other limits.
	 * @param limits the limits
	 * @return new options
	 */
	public ConsumerOptions withLimits(QueueLimits limits) {
		return new ConsumerOptions(limits, this.tags, this.weights, this.priorityAging);
	}

}
