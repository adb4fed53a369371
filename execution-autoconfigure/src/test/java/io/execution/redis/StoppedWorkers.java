package io.execution.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * Plays the workers that stop at the worst moments, straight on a queue's keys (standalone,
 * Sentinel or Cluster alike).
 */
final class StoppedWorkers {

	private StoppedWorkers() {
	}

	/**
	 * A worker takes the next request of the ledger queue, runs it, stashes its answer as a real
	 * worker does before replying, and stops before acknowledging it.
	 * @param redis the commands
	 * @param prefix the key prefix
	 * @param result the result the answer carries
	 */
	static void answerAndStop(RedisClusterCommands<String, String> redis, String prefix, String result) {
		StreamMessage<String, String> taken = redis.xreadgroup(Consumer.from("workers", "stopped"),
				XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(prefix + ":{q:ledger}:requests")).get(0);
		String id = taken.getBody().get("id");
		redis.hset(prefix + ":{q:ledger}:answered", taken.getId(),
				id + "\n{\"v\":1,\"id\":\"" + id + "\",\"ok\":true,\"result\":\"" + result + "\"}");
	}

}
