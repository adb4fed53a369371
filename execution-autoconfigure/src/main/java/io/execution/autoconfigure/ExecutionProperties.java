package io.execution.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of Execution: where each service's calls go. The other concerns have a class per
 * prefix: {@link ExecutionHttpProperties}, {@link ExecutionQueueProperties},
 * {@link ExecutionWorkerProperties}, {@link ExecutionsProperties}, {@link ExecutionHealthProperties}
 * and {@link ExecutionMetricsProperties}.
 */
@ConfigurationProperties("execution")
public class ExecutionProperties implements Validator {

	/**
	 * Endpoints by service name. A service that is not listed runs locally when this
	 * application has it, and otherwise fails with an error naming the entry to add.
	 */
	private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

	/**
	 * Deadline of one call, end to end, for endpoints that set no timeout of their own.
	 */
	private Duration defaultTimeout = Duration.ofSeconds(30);

	/**
	 * Run every endpoint in this JVM, whatever its mode, URLs, queue or fallbacks say: for
	 * tests, where each client's service is this application's own or a test's
	 * {@code @ExecutionService} bean. A client whose service is not here fails the start.
	 */
	private boolean localOnly;

	/**
	 * Defaults of every remote endpoint's circuit breaker (http and queue) and of each http
	 * URL's, for breakers not configured under resilience4j.circuitbreaker.instances.
	 */
	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Map<String, Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public boolean isLocalOnly() {
		return this.localOnly;
	}

	public void setLocalOnly(boolean localOnly) {
		this.localOnly = localOnly;
	}

	/**
	 * The mode an endpoint runs in, {@link #isLocalOnly() local only} considered.
	 * @param endpoint the endpoint's settings
	 * @return its mode
	 */
	public Mode modeOf(Endpoint endpoint) {
		return this.localOnly ? Mode.LOCAL : endpoint.effectiveMode();
	}

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = defaultTimeout;
	}

	/**
	 * Execution's own circuit breaker defaults, which open after a run of consecutive failures
	 * even at low traffic.
	 */
	public static class CircuitBreaker {

		/**
		 * Consecutive failures of an endpoint (not answered: unreachable, timed out, lost) that
		 * open its breaker. A service's own exception is an answer and never counts.
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
		 * Queue mode: what a call does when no live worker serves the queue (Redis: by the worker
		 * registry's heartbeats) — wait in the queue for one, up to its timeout, or fail at once
		 * with ExecutionRejectedException (a fallback then takes it). Either way the first such
		 * call logs a warning, and again whenever the queue's state changes.
		 */
		private WhenUnserved whenUnserved = WhenUnserved.WAIT;

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
		private LoadBalancing loadBalancer = LoadBalancing.ROUND_ROBIN;

		/**
		 * Http mode: the service whose instances serve the endpoint, found through Spring
		 * Cloud's DiscoveryClient (Kubernetes, Consul, Eureka...) when the application has one,
		 * and through the worker registry (workers serving over HTTP advertise their URL) on
		 * the Redis backend. Instead of, or besides, urls.
		 */
		private String serviceId;

		/**
		 * Http mode: the SSL bundle (spring.ssl.bundle.*) the endpoint's client trusts and
		 * presents (mutual TLS). Defaults to spring.http.clients.ssl.bundle, else the JVM's
		 * defaults.
		 */
		private String sslBundle;

		private final Retry retry = new Retry();

		/**
		 * Queue mode: how calls whose service threw run again, later.
		 */
		private final RetryFailed retryFailed = new RetryFailed();

		/**
		 * Queue mode: the priority of the endpoint's calls, from -100 to 100 (higher is taken
		 * first across the whole pool). A call's CallScope may set another.
		 */
		private int priority;

		/**
		 * Queue mode: the worker tags (execution.worker.tags) a worker must advertise to take
		 * the endpoint's calls, such as gpu: "true". A call no live worker can take fails at
		 * once, naming the requirement.
		 */
		private Map<String, String> requires = new LinkedHashMap<>();

		public int getPriority() {
			return this.priority;
		}

		public void setPriority(int priority) {
			this.priority = priority;
		}

		public Map<String, String> getRequires() {
			return this.requires;
		}

		public void setRequires(Map<String, String> requires) {
			this.requires = requires;
		}

		public String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(String serviceId) {
			this.serviceId = serviceId;
		}

		public String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(String sslBundle) {
			this.sslBundle = sslBundle;
		}

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

		public LoadBalancing getLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(LoadBalancing loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public RetryFailed getRetryFailed() {
			return this.retryFailed;
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

		public WhenUnserved getWhenUnserved() {
			return this.whenUnserved;
		}

		public void setWhenUnserved(WhenUnserved whenUnserved) {
			this.whenUnserved = whenUnserved;
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
		 * @return the configured mode, else queue when a queue is set, http when URLs or a
		 * service id are, else local
		 */
		public Mode effectiveMode() {
			if (this.mode != null) {
				return this.mode;
			}
			if (this.queue != null) {
				return Mode.QUEUE;
			}
			return (this.urls.isEmpty() && this.serviceId == null) ? Mode.LOCAL : Mode.HTTP;
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
	 * Retries of a queue endpoint's calls whose service threw: each attempt after the first is a
	 * call scheduled on the backend (on Redis it survives the worker and the caller). Only for
	 * the endpoint's @Idempotent methods unless non-idempotent is set; a method's @RetryFailed
	 * wins over these.
	 */
	public static class RetryFailed {

		/**
		 * The most attempts, the first included; 1 (the default) for no retries.
		 */
		private int maxAttempts = 1;

		/**
		 * The wait before the second attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * What each wait is multiplied by for the next.
		 */
		private double multiplier = 2.0;

		/**
		 * The longest wait between two attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(5);

		/**
		 * How much each wait varies at random, as a fraction of it: 0.2 waits 80 % to 120 %.
		 */
		private double jitter = 0.2;

		/**
		 * Exceptions never retried, their subclasses included.
		 */
		private List<Class<? extends Throwable>> neverFor = new ArrayList<>();

		/**
		 * Whether methods that are not @Idempotent are retried too: they may run again after
		 * throwing halfway through their work.
		 */
		private boolean nonIdempotent;

		/**
		 * Whether a call that failed for good (its attempts spent, or an exception of never-for)
		 * is kept as a dead letter on its queue, its caller still told of the failure.
		 */
		private boolean deadLetter;

		public boolean isDeadLetter() {
			return this.deadLetter;
		}

		public void setDeadLetter(boolean deadLetter) {
			this.deadLetter = deadLetter;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public List<Class<? extends Throwable>> getNeverFor() {
			return this.neverFor;
		}

		public void setNeverFor(List<Class<? extends Throwable>> neverFor) {
			this.neverFor = neverFor;
		}

		public boolean isNonIdempotent() {
			return this.nonIdempotent;
		}

		public void setNonIdempotent(boolean nonIdempotent) {
			this.nonIdempotent = nonIdempotent;
		}

		/**
		 * The policy, or {@code null} when it retries nothing.
		 * @return the policy
		 */
		public io.execution.core.RetryPolicy policy() {
			if (this.maxAttempts <= 1) {
				return null;
			}
			return new io.execution.core.RetryPolicy(this.maxAttempts, this.initialInterval.toMillis(), this.multiplier,
					this.maxInterval.toMillis(), this.jitter, this.neverFor.stream().map(Class::getName).toList(),
					this.nonIdempotent, this.deadLetter);
		}

	}

	/**
	 * How an http endpoint picks the instance of each call.
	 */
	public enum LoadBalancing {

		/** Each instance in turn. */
		ROUND_ROBIN,

		/** Any instance, at random. */
		RANDOM,

		/** The instance with the fewest calls in flight. */
		LEAST_IN_FLIGHT,

		/** Two instances at random, then the one with the lower in-flight × peak-EWMA latency. */
		POWER_OF_TWO

	}

	/**
	 * What a queue endpoint's call does when no live worker serves its queue.
	 */
	public enum WhenUnserved {

		/** Waits in the queue for a worker, up to the call's timeout. */
		WAIT,

		/** Fails at once with ExecutionRejectedException; a fallback takes it. */
		FAIL

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


	@Override
	public boolean supports(Class<?> type) {
		return ExecutionProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SettingChecks checks = new SettingChecks(errors).positive("defaultTimeout", this.defaultTimeout);
		this.endpoints.forEach((name, endpoint) -> {
			// Named as written (execution.endpoints.billing.timeout), not in Boot's map form.
			String path = "endpoints." + name + ".";
			if (endpoint.getTimeout() != null) {
				checks.positive(path + "timeout", endpoint.getTimeout());
			}
			List<URI> urls = endpoint.getUrls();
			for (int i = 0; i < urls.size(); i++) {
				URI url = urls.get(i);
				String scheme = (url != null) ? url.getScheme() : null;
				if (url == null || url.getHost() == null
						|| !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
					checks.reject(path + "urls[" + i + "]", String.valueOf(url), "not-http",
							"must be an http or https URL with a host, such as http://" + name + "-1:8080");
				}
			}
			checks.atLeast(path + "retry.maxAttempts", 1, endpoint.getRetry().getMaxAttempts())
				.notNegative(path + "retry.initialBackoff", endpoint.getRetry().getInitialBackoff());
			RetryFailed retry = endpoint.getRetryFailed();
			String retryPath = path + "retry-failed.";
			if (retry.getMaxAttempts() < 1 || retry.getMaxAttempts() > io.execution.core.RetryPolicy.MOST_ATTEMPTS) {
				checks.reject(retryPath + "max-attempts", retry.getMaxAttempts(), "out-of-range",
						"must be from 1 (no retries) to " + io.execution.core.RetryPolicy.MOST_ATTEMPTS);
			}
			else if (retry.getMaxAttempts() > 1) {
				checks.notNegative(retryPath + "initial-interval", retry.getInitialInterval());
				if (retry.getMaxInterval().compareTo(retry.getInitialInterval()) < 0
						|| retry.getMaxInterval().toMillis() > io.execution.core.RetryPolicy.LONGEST_INTERVAL_MILLIS) {
					checks.reject(retryPath + "max-interval", SettingChecks.shown(retry.getMaxInterval()), "out-of-range",
							"must be from initial-interval (" + SettingChecks.shown(retry.getInitialInterval())
									+ ") to 7d");
				}
				if (!(retry.getMultiplier() >= 1 && retry.getMultiplier() <= 100)) {
					checks.reject(retryPath + "multiplier", retry.getMultiplier(), "out-of-range", "must be from 1 to 100");
				}
				if (!(retry.getJitter() >= 0 && retry.getJitter() <= 1)) {
					checks.reject(retryPath + "jitter", retry.getJitter(), "out-of-range",
							"must be from 0 to 1 (0.2 waits 80 % to 120 % of each interval)");
				}
				if (endpoint.effectiveMode() != Mode.QUEUE) {
					checks.reject(retryPath + "max-attempts", retry.getMaxAttempts(), "queue-only",
							"only queue endpoints run failed calls again later, and endpoint '" + name + "' is in "
									+ endpoint.effectiveMode().id() + " mode (set execution.endpoints." + name + ".queue)");
				}
			}
			if (endpoint.getPriority() < io.execution.CallScope.MIN_PRIORITY
					|| endpoint.getPriority() > io.execution.CallScope.MAX_PRIORITY) {
				checks.reject(path + "priority", endpoint.getPriority(), "out-of-range", "must be from "
						+ io.execution.CallScope.MIN_PRIORITY + " to " + io.execution.CallScope.MAX_PRIORITY);
			}
			if ((endpoint.getPriority() != 0 || !endpoint.getRequires().isEmpty())
					&& endpoint.effectiveMode() != Mode.QUEUE) {
				checks.reject(path + (endpoint.getRequires().isEmpty() ? "priority" : "requires"),
						endpoint.getRequires().isEmpty() ? endpoint.getPriority() : endpoint.getRequires(), "queue-only",
						"only queue endpoints have a priority and worker requirements, and endpoint '" + name + "' is in "
								+ endpoint.effectiveMode().name().toLowerCase(java.util.Locale.ROOT)
								+ " mode (set execution.endpoints." + name + ".queue)");
			}
			endpoint.getRequires().forEach((tag, value) -> {
				if (!io.execution.queue.QueueLane.validTag(tag) || !io.execution.queue.QueueLane.validTag(value)) {
					checks.reject(path + "requires." + tag, value, "invalid-tag", "tag '" + tag + "' = '" + value
							+ "': names and values are 1 to 64 letters, digits or . _ : / -");
				}
			});
		});
	}

}
