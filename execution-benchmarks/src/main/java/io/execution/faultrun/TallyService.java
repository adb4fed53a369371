package io.execution.faultrun;

import io.execution.ExecutionService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Counts each run of a key where the queue is — Redis ({@code fault:ran:<key>}) or PostgreSQL
 * (the {@code fault_ran} table) — so that a second run shows.
 */
@ExecutionService("tally")
public class TallyService implements Tally {

	private final Runs runs;

	public TallyService(Environment environment, ObjectProvider<StringRedisTemplate> redis,
			ObjectProvider<JdbcTemplate> jdbc) {
		this.runs = Runs.of(environment, redis, jdbc);
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
		this.runs.increment(key);
		return key;
	}

}
