package io.execution.faultrun;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** How many times each key's call ran, kept beside the queue's backend. */
interface Runs {

	void increment(String key);

	int of(String key);

	static Runs of(Environment environment, ObjectProvider<StringRedisTemplate> redis,
			ObjectProvider<JdbcTemplate> jdbc) {
		if ("jdbc".equals(environment.getProperty("execution.queue.backend"))) {
			JdbcTemplate template = jdbc.getObject();
			template.execute("CREATE TABLE IF NOT EXISTS fault_ran (key TEXT PRIMARY KEY, runs INT NOT NULL)");
			return new Runs() {
				@Override
				public void increment(String key) {
					template.update("INSERT INTO fault_ran VALUES (?, 1) ON CONFLICT (key) DO UPDATE"
							+ " SET runs = fault_ran.runs + 1", key);
				}

				@Override
				public int of(String key) {
					return template.queryForList("SELECT runs FROM fault_ran WHERE key = ?", Integer.class, key)
						.stream().findFirst().orElse(0);
				}
			};
		}
		StringRedisTemplate template = redis.getObject();
		return new Runs() {
			@Override
			public void increment(String key) {
				template.opsForValue().increment(FaultRun.RAN + key);
			}

			@Override
			public int of(String key) {
				String ran = template.opsForValue().get(FaultRun.RAN + key);
				return (ran != null) ? Integer.parseInt(ran) : 0;
			}
		};
	}

}
