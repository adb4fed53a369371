package io.execution.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.queue.ConsumerOptions;
import io.execution.queue.KeyLimits;
import io.execution.queue.QueueLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The worker pools this application runs.
 */
@ConfigurationProperties("execution.worker")
public class ExecutionWorkerProperties implements Validator {

	/**
	 * Whether this application runs worker pools for the queues below.
	 */
	private boolean enabled;

	/**
	 * The queues this application's workers take calls from; one pool per queue.
	 */
	private List<String> queues = new ArrayList<>();

	/**
	 * How many calls each pool runs at once.
	 */
	private int concurrency = 8;

	/**
	 * On shutdown, how long running calls may take to finish before they are interrupted
	 * and their callers told so.
	 */
	private Duration shutdownGracePeriod = Duration.ofSeconds(10);

	/**
	 * How often this worker tells the registry it is alive. A worker that misses two is
	 * listed as stale; after three it is removed.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(5);

	/**
	 * Capabilities this worker advertises in the registry, such as gpu: "true" or region:
	 * eu-west-1.
	 */
	private Map<String, String> tags = new LinkedHashMap<>();

	/**
	 * Limits that hold across every worker of every instance, by queue. Every worker of a
	 * queue's pool must set the same.
	 */
	private Map<String, Limit> limits = new LinkedHashMap<>();

	/**
	 * Fairness keys' weights, by queue then key: within one priority a key of weight 3 has three
	 * calls taken per turn for one of a key of weight 1 (keys not listed weigh 1).
	 */
	private Map<String, Map<String, Integer>> weights = new LinkedHashMap<>();

	/**
	 * How long a priority level may wait without any of its calls taken before its next call is
	 * taken ahead of higher priorities: the bound on how long lower priorities starve. 0 for
	 * strict priority.
	 */
	private Duration priorityAging = Duration.ofSeconds(5);

	public Map<String, Map<String, Integer>> getWeights() {
		return this.weights;
	}

	public void setWeights(Map<String, Map<String, Integer>> weights) {
		this.weights = weights;
	}

	public Duration getPriorityAging() {
		return this.priorityAging;
	}

	public void setPriorityAging(Duration priorityAging) {
		this.priorityAging = priorityAging;
	}

	/**
	 * How this worker's pool of a queue takes its requests: the queue's limits, this worker's
	 * tags, the fairness weights and the priority aging.
	 * @param queue the queue
	 * @return the options
	 */
	public ConsumerOptions options(String queue) {
		return new ConsumerOptions(limits(queue), this.tags, this.weights.getOrDefault(queue, Map.of()),
				this.priorityAging);
	}

	public Map<String, Limit> getLimits() {
		return this.limits;
	}

	public void setLimits(Map<String, Limit> limits) {
		this.limits = limits;
	}

	/**
	 * The limits of a queue's calls across all workers.
	 * @param queue the queue
	 * @return its limits, {@link QueueLimits#NONE} when it has none
	 */
	public QueueLimits limits(String queue) {
		Limit limit = this.limits.get(queue);
		if (limit == null) {
			return QueueLimits.NONE;
		}
		PerKey perKey = limit.getPerKey();
		return new QueueLimits((limit.getMaxConcurrent() != null) ? limit.getMaxConcurrent() : 0,
				(limit.getStarts() != null) ? limit.getStarts() : 0, limit.getPer(),
				new KeyLimits((perKey.getMaxConcurrent() != null) ? perKey.getMaxConcurrent() : 0,
						(perKey.getStarts() != null) ? perKey.getStarts() : 0, perKey.getPer()));
	}

	/**
	 * The limits of one queue.
	 */
	public static class Limit {

		/**
		 * The most calls of the queue running at once across every worker of every instance
		 * (a global concurrency limit, enforced through Redis on the Redis backend). Calls over
		 * it wait in the queue until their deadline; a worker that stops gives its slots back
		 * when its lease runs out (execution.queue.redis.visibility-timeout).
		 */
		private Integer maxConcurrent;

		/**
		 * The most calls of the queue started per period across every worker of every instance
		 * (a rate limit: a bucket of that many tokens refilled at that many per period, so a
		 * burst after a quiet period takes up to that many at once). Calls over it wait in the
		 * queue until their deadline.
		 */
		private Integer starts;

		/**
		 * The period of the rate limit.
		 */
		private Duration per = Duration.ofSeconds(1);

		/**
		 * Limits that hold for each fairness key's calls on its own (a key set with
		 * CallScope.fairnessKey or a @FairnessKey parameter), across every worker of every
		 * instance.
		 */
		private PerKey perKey = new PerKey();

		public PerKey getPerKey() {
			return this.perKey;
		}

		public void setPerKey(PerKey perKey) {
			this.perKey = (perKey != null) ? perKey : new PerKey();
		}

		public Integer getStarts() {
			return this.starts;
		}

		public void setStarts(Integer starts) {
			this.starts = starts;
		}

		public Duration getPer() {
			return this.per;
		}

		public void setPer(Duration per) {
			this.per = per;
		}

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

	}

	/**
	 * The limits of each fairness key's calls of one queue.
	 */
	public static class PerKey {

		/**
		 * The most calls of one fairness key running at once across every worker of every
		 * instance (1: one call per customer at a time). A key at its limit is passed over: its
		 * calls wait in the queue until their deadline while other keys' calls are taken.
		 */
		private Integer maxConcurrent;

		/**
		 * The most calls of one fairness key started per period (a bucket per key of that many
		 * tokens refilled at that many per period). A key over it is passed over as above.
		 */
		private Integer starts;

		/**
		 * The period of the per-key rate limit.
		 */
		private Duration per = Duration.ofSeconds(1);

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public Integer getStarts() {
			return this.starts;
		}

		public void setStarts(Integer starts) {
			this.starts = starts;
		}

		public Duration getPer() {
			return this.per;
		}

		public void setPer(Duration per) {
			this.per = per;
		}

	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Map<String, String> getTags() {
		return this.tags;
	}

	public void setTags(Map<String, String> tags) {
		this.tags = tags;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getQueues() {
		return this.queues;
	}

	public void setQueues(List<String> queues) {
		this.queues = queues;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public Duration getShutdownGracePeriod() {
		return this.shutdownGracePeriod;
	}

	public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
		this.shutdownGracePeriod = shutdownGracePeriod;
	}


	@Override
	public boolean supports(Class<?> type) {
		return ExecutionWorkerProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SettingChecks checks = new SettingChecks(errors).positive("heartbeatInterval", this.heartbeatInterval)
			.atLeast("concurrency", 1, this.concurrency)
			.notNegative("shutdownGracePeriod", this.shutdownGracePeriod);
		this.limits.forEach((queue, limit) -> {
			if (limit.getMaxConcurrent() != null) {
				checks.atLeast("limits[" + queue + "].maxConcurrent", 1, limit.getMaxConcurrent());
			}
			if (limit.getStarts() != null) {
				checks.atLeast("limits[" + queue + "].starts", 1, limit.getStarts());
			}
			checks.positive("limits[" + queue + "].per", limit.getPer());
			PerKey perKey = limit.getPerKey();
			if (perKey.getMaxConcurrent() != null) {
				checks.atLeast("limits[" + queue + "].perKey.maxConcurrent", 1, perKey.getMaxConcurrent());
			}
			if (perKey.getStarts() != null) {
				checks.atLeast("limits[" + queue + "].perKey.starts", 1, perKey.getStarts());
			}
			checks.positive("limits[" + queue + "].perKey.per", perKey.getPer());
		});
		checks.notNegative("priorityAging", this.priorityAging);
		this.weights.forEach((queue, weights) -> weights.forEach((key, weight) -> checks
			.atLeast("weights[" + queue + "][" + key + "]", 1, (weight != null) ? weight : 0)));
	}

}
