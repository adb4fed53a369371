package io.execution.faultrun;

import io.execution.ExecutionService;

import org.springframework.data.redis.core.StringRedisTemplate;

/** Counts each run of a key in Redis ({@code fault:ran:<key>}), so that a second run shows. */
@ExecutionService("tally")
public class TallyService implements Tally {

	private final StringRedisTemplate redis;

	public TallyService(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public String read(String key) {
		return ran(key);
	}

	@Override
	public String write(String key) {
		return ran(key);
	}

	private String ran(String key) {
		this.redis.opsForValue().increment(FaultRun.RAN + key);
		return key;
	}

}
