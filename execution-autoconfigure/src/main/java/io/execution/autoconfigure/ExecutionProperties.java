package io.execution.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of Execution: where each service's calls go, the queues and the workers.
 */
@ConfigurationProperties("execution")
public class ExecutionProperties {

	/**
	 * Endpoints by service name. A service that is not listed runs locally when this
	 * application has it, and otherwise fails with an error naming the entry to add.
	 */
	private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

	/**
	 * Deadline of one call, end to end, for endpoints that set no timeout of their own.
	 */
	private Duration defaultTimeout = Duration.ofSeconds(30);

	private final Queue queue = new Queue();

	private final Worker worker = new Worker();

	public Map<String, Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = defaultTimeout;
	}

	public Queue getQueue() {
		return this.queue;
	}

	public Worker getWorker() {
		return this.worker;
	}

	/**
	 * Where one service's calls go.
	 */
	public static class Endpoint {

		/**
		 * How calls run: local (in this JVM), http (on other instances) or queue (on a worker
		 * pool). Defaults to queue when a queue is set, else local.
		 */
		private Mode mode;

		/**
		 * Queue mode: the queue of the worker pool that runs the calls. Defaults to the service
		 * name.
		 */
		private String queue;

		/**
		 * Deadline of one call, end to end, including the time spent waiting in a queue.
		 * Defaults to execution.default-timeout.
		 */
		private Duration timeout;

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		/**
		 * The mode in effect.
		 * @return the configured mode, else queue when a queue is set, else local
		 */
		public Mode effectiveMode() {
			if (this.mode != null) {
				return this.mode;
			}
			return (this.queue != null) ? Mode.QUEUE : Mode.LOCAL;
		}

	}

	/**
	 * How an endpoint's calls run.
	 */
	public enum Mode {

		/** In this JVM, on the service bean itself. */
		LOCAL,

		/** As JSON over HTTP to other instances. */
		HTTP,

		/** On a worker pool fed by a queue. */
		QUEUE;

		/**
		 * The mode as written in properties.
		 * @return for example {@code queue}
		 */
		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * The queues behind queue-mode endpoints.
	 */
	public static class Queue {

		/**
		 * Where queues live: memory (in this JVM, the embedded default) or redis (shared by
		 * every instance, through spring.data.redis.*).
		 */
		private Backend backend = Backend.MEMORY;

		/**
		 * The most requests one queue holds waiting; a call beyond it is rejected at once.
		 */
		private int capacity = 10_000;

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
		 * Where queues live.
		 */
		public enum Backend {

			/** In this JVM's memory: nothing else to run, nothing survives a restart. */
			MEMORY,

			/** In Redis, through Spring Data Redis. */
			REDIS

		}

	}

	/**
	 * The worker pools this application runs.
	 */
	public static class Worker {

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

	}

}
