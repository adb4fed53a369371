package io.execution.executions;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.execution.redis.TestRedis;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@link JobsApplication}s one test starts, closed after it: each in memory, or on the shared
 * test Redis under a key prefix of the test's own.
 */
final class JobsContexts implements AutoCloseable {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String prefix = "t" + UUID.randomUUID();

	/**
	 * The key prefix of this test's applications on Redis.
	 * @return the prefix
	 */
	String prefix() {
		return this.prefix;
	}

	/**
	 * Starts an application without a web server.
	 * @param properties its properties
	 * @return the running context
	 */
	ConfigurableApplicationContext run(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	/**
	 * Starts an application on the Redis backend, sharing this test's prefix.
	 * @param properties its other properties
	 * @return the running context
	 */
	ConfigurableApplicationContext redis(String... properties) {
		List<String> all = new ArrayList<>(List.of(TestRedis.shared().properties()));
		all.addAll(List.of("execution.queue.backend=redis", "execution.queue.redis.prefix=" + this.prefix));
		all.addAll(List.of(properties));
		return run(all.toArray(String[]::new));
	}

	/**
	 * Starts an application on the jdbc backend (the shared test PostgreSQL), in tables of this
	 * test's own.
	 * @param properties its other properties
	 * @return the running context
	 */
	ConfigurableApplicationContext jdbc(String... properties) {
		List<String> all = new ArrayList<>(List.of(io.execution.queue.jdbc.TestPostgres.shared().properties()));
		// No pool on this module's classpath (its other applications must not get a DataSource).
		all.addAll(List.of("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
				"execution.queue.backend=jdbc", "execution.jdbc.table-prefix=" + this.prefix.substring(0, 9) + "_"));
		all.addAll(List.of(properties));
		return run(all.toArray(String[]::new));
	}

	/**
	 * Starts an application on a backend every instance shares.
	 * @param backend {@code redis} or {@code jdbc}
	 * @param properties its other properties
	 * @return the running context
	 */
	ConfigurableApplicationContext shared(String backend, String... properties) {
		return "jdbc".equals(backend) ? jdbc(properties) : redis(properties);
	}

	/**
	 * The first application started.
	 * @return its context
	 */
	ConfigurableApplicationContext first() {
		return this.contexts.get(0);
	}

	/**
	 * One property before others.
	 * @param first the first property
	 * @param more the others
	 * @return all of them
	 */
	static String[] with(String first, String... more) {
		String[] all = new String[more.length + 1];
		all[0] = first;
		System.arraycopy(more, 0, all, 1, more.length);
		return all;
	}

	@Override
	public void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

}
