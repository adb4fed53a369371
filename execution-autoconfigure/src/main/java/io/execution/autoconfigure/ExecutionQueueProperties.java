package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The queues behind queue-mode endpoints.
 */
@ConfigurationProperties("execution.queue")
public class ExecutionQueueProperties implements Validator {

	/**
	 * Where queues live: memory (in this JVM, the embedded default) or redis (shared by
	 * every instance, through spring.data.redis.*).
	 */
	private Backend backend = Backend.MEMORY;

	/**
	 * The most requests one queue holds waiting; a call beyond it is rejected at once.
	 */
	private int capacity = 10_000;

	private final Redis redis = new Redis();

	public Redis getRedis() {
		return this.redis;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public int getCapacity() {
		return this.capacity;
	}

	public void setCapacity(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * The redis backend.
	 */
	public static class Redis {

		/**
		 * First part of every key, so that several applications can share one Redis.
		 */
		private String prefix = "execution";

		/**
		 * How long a request stays with a worker that stopped renewing its lease (killed,
		 * cut off) before another worker of the pool takes it over. Running calls renew
		 * their lease every third of it.
		 */
		private Duration visibilityTimeout = Duration.ofSeconds(30);

		/**
		 * How many times a request may be taken before it is kept as a dead letter and its
		 * caller told so.
		 */
		private int maxDeliveries = 3;

		/**
		 * How long keys nobody touches live: idle queues, unread replies, cancel markers,
		 * delivery counts.
		 */
		private Duration retention = Duration.ofHours(1);

		/**
		 * How long a queue's dead letters are kept after the last one came.
		 */
		private Duration deadLetterRetention = Duration.ofDays(7);

		/**
		 * The most dead letters kept per queue; past it the oldest are dropped, with a warning
		 * in the log.
		 */
		private int deadLetterLimit = 10_000;

		/**
		 * The longest wait between two attempts to reconnect to Redis after it went away
		 * (Lettuce's reconnect delay grows from a millisecond up to it). Workers renew their
		 * leases as soon as they reconnect, so keep it well under the visibility timeout.
		 * Applies to the application's Lettuce client; a ClientResources bean of the
		 * application's own, or its own ClientResourcesBuilderCustomizer, wins.
		 */
		private Duration reconnectDelay = Duration.ofSeconds(1);

		/**
		 * Whether Lettuce's tracing (on when the application has an ObservationRegistry)
		 * also traces Execution's own commands: workers' blocking reads, heartbeats, lease
		 * renewals, replies. Lettuce cannot join them to the call's trace, so each would be a
		 * trace of its own, several per second on an idle worker; the call's own observations
		 * cover them.
		 */
		private boolean traceCommands;

		public boolean isTraceCommands() {
			return this.traceCommands;
		}

		public void setTraceCommands(boolean traceCommands) {
			this.traceCommands = traceCommands;
		}

		public Duration getReconnectDelay() {
			return this.reconnectDelay;
		}

		public void setReconnectDelay(Duration reconnectDelay) {
			this.reconnectDelay = reconnectDelay;
		}

		public Duration getDeadLetterRetention() {
			return this.deadLetterRetention;
		}

		public void setDeadLetterRetention(Duration deadLetterRetention) {
			this.deadLetterRetention = deadLetterRetention;
		}

		public int getDeadLetterLimit() {
			return this.deadLetterLimit;
		}

		public void setDeadLetterLimit(int deadLetterLimit) {
			this.deadLetterLimit = deadLetterLimit;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

		public Duration getVisibilityTimeout() {
			return this.visibilityTimeout;
		}

		public void setVisibilityTimeout(Duration visibilityTimeout) {
			this.visibilityTimeout = visibilityTimeout;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/**
	 * Where queues live.
	 */
	public enum Backend {

		/** In this JVM's memory: nothing else to run, nothing survives a restart. */
		MEMORY,

		/** In Redis, through Spring Data Redis. */
		REDIS,

		/** In the application's PostgreSQL database, through its DataSource (and its transactions). */
		JDBC

	}


	@Override
	public boolean supports(Class<?> type) {
		return ExecutionQueueProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		new SettingChecks(errors).atLeast("capacity", 1, this.capacity)
			.positive("redis.visibilityTimeout", this.redis.getVisibilityTimeout())
			.atLeast("redis.maxDeliveries", 1, this.redis.getMaxDeliveries())
			.positive("redis.retention", this.redis.getRetention())
			.positive("redis.deadLetterRetention", this.redis.getDeadLetterRetention())
			.atLeast("redis.deadLetterLimit", 1, this.redis.getDeadLetterLimit())
			.positive("redis.reconnectDelay", this.redis.getReconnectDelay());
	}

}
