package io.execution.queue.jdbc;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

/**
 * How the JDBC queue backend keeps its calls.
 *
 * @param tablePrefix what its tables' and notification channels' names start with
 * ({@code execution.jdbc.table-prefix})
 * @param visibilityTimeout how long a worker's claim on a call holds without renewal before
 * another worker takes the call over ({@code execution.jdbc.visibility-timeout})
 * @param maxDeliveries the most times a call is handed to a worker, take-overs included
 * ({@code execution.jdbc.max-deliveries})
 * @param pollInterval how often idle workers and waiting callers look without a notification
 * ({@code execution.jdbc.poll-interval})
 * @param retention how long an answer waits for a caller that went away
 * ({@code execution.jdbc.retention})
 * @param threads makes the backend's own threads (its listener and its upkeep)
 * @param capacity the most calls a queue holds, waiting or running, before new ones are refused
 * ({@code execution.queue.capacity}); 0 for no bound
 */
public record JdbcQueueSettings(String tablePrefix, Duration visibilityTimeout, int maxDeliveries,
		Duration pollInterval, Duration retention, ThreadFactory threads, int capacity) {

	private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,19}");

	/**
	 * Checks the settings, naming the property to fix.
	 * @param tablePrefix the table prefix
	 * @param visibilityTimeout the visibility timeout
	 * @param maxDeliveries the most deliveries
	 * @param pollInterval the poll interval
	 * @param retention the answers' retention
	 * @param threads the thread factory, {@code null} for daemon platform threads
	 * @param capacity the most calls a queue holds, 0 for no bound
	 */
	public JdbcQueueSettings {
		if (capacity < 0) {
			throw new IllegalArgumentException("execution.queue.capacity must be at least 1; was " + capacity);
		}
		if (tablePrefix == null || !PREFIX.matcher(tablePrefix).matches()) {
			throw new IllegalArgumentException("execution.jdbc.table-prefix must be 1 to 20 lower-case letters, digits"
					+ " or underscores, starting with a letter or an underscore; was '" + tablePrefix + "'");
		}
		positive("execution.jdbc.visibility-timeout", visibilityTimeout);
		positive("execution.jdbc.poll-interval", pollInterval);
		positive("execution.jdbc.retention", retention);
		if (maxDeliveries < 1) {
			throw new IllegalArgumentException("execution.jdbc.max-deliveries must be at least 1; was " + maxDeliveries);
		}
		if (threads == null) {
			threads = (task) -> {
				Thread thread = new Thread(task, "execution-jdbc");
				thread.setDaemon(true);
				return thread;
			};
		}
	}

	/**
	 * Settings whose queues have no bound.
	 * @param tablePrefix the table prefix
	 * @param visibilityTimeout the visibility timeout
	 * @param maxDeliveries the most deliveries
	 * @param pollInterval the poll interval
	 * @param retention the answers' retention
	 * @param threads the thread factory, {@code null} for daemon platform threads
	 */
	public JdbcQueueSettings(String tablePrefix, Duration visibilityTimeout, int maxDeliveries, Duration pollInterval,
			Duration retention, ThreadFactory threads) {
		this(tablePrefix, visibilityTimeout, maxDeliveries, pollInterval, retention, threads, 0);
	}

	/**
	 * The defaults: tables {@code execution_*}, a 30 s visibility timeout, 3 deliveries, a 1 s
	 * poll, answers kept 10 minutes.
	 * @return the settings
	 */
	public static JdbcQueueSettings defaults() {
		return new JdbcQueueSettings("execution_", Duration.ofSeconds(30), 3, Duration.ofSeconds(1),
				Duration.ofMinutes(10), null);
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(property + " must be positive; was " + value);
		}
	}

	/**
	 * A table's name.
	 * @param name the table's own name, for example {@code call}
	 * @return its name with the prefix
	 */
	public String table(String name) {
		return this.tablePrefix + name;
	}

	/**
	 * The channel that tells workers a queue has calls.
	 * @return its name
	 */
	String workChannel() {
		return this.tablePrefix + "work";
	}

	/**
	 * The channel that tells one caller its answers are in.
	 * @param caller the caller's id
	 * @return its name
	 */
	String replyChannel(String caller) {
		return this.tablePrefix + "reply_" + caller;
	}

}
