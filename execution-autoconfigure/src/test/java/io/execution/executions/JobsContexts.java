package io.execution.executions;

import java.util.ArrayList;
import java.util.List;

import io.execution.fixtures.SharedBackends;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@link JobsApplication}s one test starts, closed after it: each in memory, or on the shared
 * test Redis under a key prefix of the test's own.
 */
final class JobsContexts implements AutoCloseable {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String prefix = SharedBackends.prefix();

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
		return run(SharedBackends.properties(SharedBackends.REDIS, this.prefix, properties));
	}

	/**
	 * Starts an application on the jdbc backend (the shared test PostgreSQL), in tables of this
	 * test's own.
	 * @param properties its other properties
	 * @return the running context
	 */
	ConfigurableApplicationContext jdbc(String... properties) {
		return run(SharedBackends.properties(SharedBackends.JDBC, this.prefix, properties));
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
