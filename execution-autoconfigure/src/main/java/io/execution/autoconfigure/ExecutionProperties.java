package io.execution.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.resilience.LoadBalancer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

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

	private final Http http = new Http();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	private final Executions executions = new Executions();

	public Executions getExecutions() {
		return this.executions;
	}

	/**
	 * Executions: calls started with an id whose record (status, progress, result) is kept in
	 * the store of the queue backend (in memory, or in Redis for every instance).
	 */
	public static class Executions {

		/**
		 * How long an execution's record is kept after its last change; then its id is unknown.
		 */
		private Duration retention = Duration.ofHours(1);

		/**
		 * With the memory backend, the most execution records held at once: past it finished
		 * records are dropped before their retention ends, and a new execution is refused when
		 * none has finished.
		 */
		private int memoryCapacity = 100_000;

		public int getMemoryCapacity() {
			return this.memoryCapacity;
		}

		public void setMemoryCapacity(int memoryCapacity) {
			this.memoryCapacity = memoryCapacity;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * The {@code execution} health contributor.
	 */
	public static class Health {

		/**
		 * Whether an endpoint whose circuit breaker is open makes the application DOWN. Off by
		 * default: the open circuit shows in the details, and one failing dependency does not
		 * take the whole application out of its load balancer.
		 */
		private boolean downOnOpenCircuit;

		/**
		 * Whether a queue without a live worker makes the application DOWN.
		 */
		private boolean downOnEmptyPool;

		public boolean isDownOnOpenCircuit() {
			return this.downOnOpenCircuit;
		}

		public void setDownOnOpenCircuit(boolean downOnOpenCircuit) {
			this.downOnOpenCircuit = downOnOpenCircuit;
		}

		public boolean isDownOnEmptyPool() {
			return this.downOnEmptyPool;
		}

		public void setDownOnEmptyPool(boolean downOnEmptyPool) {
			this.downOnEmptyPool = downOnEmptyPool;
		}

	}

	/**
	 * Micrometer metrics of calls.
	 */
	public static class Metrics {

		/**
		 * Whether the execution.invocations timer publishes a percentile histogram.
		 */
		private boolean percentileHistogram;

		public boolean isPercentileHistogram() {
			return this.percentileHistogram;
		}

		public void setPercentileHistogram(boolean percentileHistogram) {
			this.percentileHistogram = percentileHistogram;
		}

	}

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

	public Http getHttp() {
		return this.http;
	}

	/**
	 * Where one service's calls go.
	 */
	public static class Endpoint {

		/**
		 * How calls run: local (in this JVM), http (on other instances) or queue (on a worker
		 * pool). Defaults to queue when a queue is set, http when URLs are, else local.
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

		/**
		 * Http mode: base URLs of the instances that serve the service, such as
		 * http://billing-1:8080 (routes under /execution) or http://billing-1:8080/rpc.
		 */
		private List<URI> urls = new ArrayList<>();

		/**
		 * Http mode: how calls spread across the URLs.
		 */
		private LoadBalancer.Strategy loadBalancer = LoadBalancer.Strategy.ROUND_ROBIN;

		private final Retry retry = new Retry();

		/**
		 * Endpoints tried, in order, when this one fails as an endpoint (unreachable, breaker
		 * open, queue full). Any mode; a call that may have run is tried elsewhere only when its
		 * method is @Idempotent.
		 */
		private List<String> fallback = new ArrayList<>();

		public List<URI> getUrls() {
			return this.urls;
		}

		public void setUrls(List<URI> urls) {
			this.urls = urls;
		}

		public LoadBalancer.Strategy getLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(LoadBalancer.Strategy loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public List<String> getFallback() {
			return this.fallback;
		}

		public void setFallback(List<String> fallback) {
			this.fallback = fallback;
		}

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
		 * @return the configured mode, else queue when a queue is set, http when URLs are, else local
		 */
		public Mode effectiveMode() {
			if (this.mode != null) {
				return this.mode;
			}
			if (this.queue != null) {
				return Mode.QUEUE;
			}
			return this.urls.isEmpty() ? Mode.LOCAL : Mode.HTTP;
		}

	}

	/**
	 * Retries of an http endpoint's calls: each on another instance when there is one, always
	 * within the call's deadline. A call that never reached a server is always retried; one that
	 * may have run only when its method is @Idempotent.
	 */
	public static class Retry {

		/**
		 * The most attempts one call makes, the first included; 1 for no retries.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry; each later wait doubles, with random jitter of half.
		 */
		private Duration initialBackoff = Duration.ofMillis(50);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
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
			 * How long keys nobody touches live: idle queues, unread replies, cancel markers.
			 */
			private Duration retention = Duration.ofHours(1);

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

	}

	/**
	 * Http mode: serving this application's services, and calling other instances.
	 */
	public static class Http {

		private final Server server = new Server();

		private final Auth auth = new Auth();

		private final Compression compression = new Compression();

		private final CircuitBreaker circuitBreaker = new CircuitBreaker();

		private final HealthCheck healthCheck = new HealthCheck();

		/**
		 * The largest body accepted, in either direction (after decompression). A larger
		 * request is refused with 413 without being read whole.
		 */
		private DataSize payloadLimit = DataSize.ofMegabytes(4);

		/**
		 * How long connecting to an instance may take.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		public Server getServer() {
			return this.server;
		}

		public Auth getAuth() {
			return this.auth;
		}

		public Compression getCompression() {
			return this.compression;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public HealthCheck getHealthCheck() {
			return this.healthCheck;
		}

		public DataSize getPayloadLimit() {
			return this.payloadLimit;
		}

		public void setPayloadLimit(DataSize payloadLimit) {
			this.payloadLimit = payloadLimit;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		/**
		 * Serving this application's services over HTTP.
		 */
		public static class Server {

			/**
			 * Whether to serve this application's @ExecutionService beans over HTTP. Off by
			 * default, so that adding the starter never exposes a bean by surprise.
			 */
			private boolean enabled;

			/**
			 * Base path of the routes: {path}/v1/invocations and {path}/v1/capabilities.
			 */
			private String path = "/execution";

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public String getPath() {
				return this.path;
			}

			public void setPath(String path) {
				this.path = path;
			}

		}

		/**
		 * Bearer-token authentication of the HTTP routes.
		 */
		public static class Auth {

			/**
			 * Shared bearer token. When set, the server requires it and clients send it.
			 */
			private String token;

			public String getToken() {
				return this.token;
			}

			public void setToken(String token) {
				this.token = token;
			}

		}

		/**
		 * Gzip compression of bodies.
		 */
		public static class Compression {

			/**
			 * Bodies larger than this are gzip-compressed (requests always, responses when the
			 * caller accepts gzip).
			 */
			private DataSize threshold = DataSize.ofKilobytes(1);

			public DataSize getThreshold() {
				return this.threshold;
			}

			public void setThreshold(DataSize threshold) {
				this.threshold = threshold;
			}

		}

		/**
		 * Defaults of the circuit breakers of http endpoints and of each of their URLs, for
		 * breakers not configured under resilience4j.circuitbreaker.instances.
		 */
		public static class CircuitBreaker {

			/**
			 * Consecutive transport failures that open a breaker.
			 */
			private int failureThreshold = 5;

			/**
			 * How long an open breaker refuses calls before it lets a probe through.
			 */
			private Duration openDuration = Duration.ofSeconds(10);

			public int getFailureThreshold() {
				return this.failureThreshold;
			}

			public void setFailureThreshold(int failureThreshold) {
				this.failureThreshold = failureThreshold;
			}

			public Duration getOpenDuration() {
				return this.openDuration;
			}

			public void setOpenDuration(Duration openDuration) {
				this.openDuration = openDuration;
			}

		}

		/**
		 * Active health checks of the instances of http endpoints.
		 */
		public static class HealthCheck {

			/**
			 * Time between checks; 0 to switch them off.
			 */
			private Duration interval = Duration.ofSeconds(5);

			/**
			 * Path checked, below each instance's base URL; any 2xx answer passes.
			 */
			private String path = "/v1/capabilities";

			/**
			 * How long one check may take.
			 */
			private Duration timeout = Duration.ofSeconds(2);

			public Duration getInterval() {
				return this.interval;
			}

			public void setInterval(Duration interval) {
				this.interval = interval;
			}

			public String getPath() {
				return this.path;
			}

			public void setPath(String path) {
				this.path = path;
			}

			public Duration getTimeout() {
				return this.timeout;
			}

			public void setTimeout(Duration timeout) {
				this.timeout = timeout;
			}

		}

	}

}
