package io.execution.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.execution.codec.EnvelopeCodec;
import io.execution.core.EndpointDefinition;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.core.Transport;
import io.execution.core.TransportFactory;
import io.execution.resilience.CircuitBreakers;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the transports of {@code http} endpoints. Endpoints with the same SSL bundle share one
 * pooled JDK {@link HttpClient} (keep-alive; HTTP/2 when the client factory asks for it and the
 * instance offers it over TLS), and all share one scheduler for retry waits and health checks.
 */
public final class HttpTransportFactory implements TransportFactory, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HttpTransportFactory.class);

	/** The mode name. */
	public static final String MODE = "http";

	/** The base path of the routes on an instance whose URL has no path of its own. */
	public static final String DEFAULT_PATH = "/execution";

	private final EnvelopeCodec codec;

	private final HttpSettings settings;

	private final Function<String, HttpEndpointSettings> endpoints;

	private final CircuitBreakers breakers;

	private final RetryRegistry retries;

	private final HttpClientFactory clientFactory;

	private final Map<String, Clients> clients = new ConcurrentHashMap<>();

	private final ExecutionEvents events;

	private final ScheduledExecutorService scheduler;

	private final ExecutionTimer timer;

	private final List<HttpDiscovery> discovery;

	private final Duration discoveryRefresh;

	/** The keys the user set under {@code resilience4j.retry.configs.default}. */
	private final java.util.Set<String> retryDefaultKeys;

	/**
	 * Makes the factory.
	 * @param codec the envelope codec
	 * @param settings what all http endpoints share
	 * @param endpoints the settings of each endpoint, by name
	 * @param breakers makes the circuit breakers
	 * @param retries the retry registry (the user's, when there is one)
	 * @param clients makes the HTTP clients
	 * @param events hears of retries
	 * @param timer runs retries' waits, health checks, status polls and stream deadlines
	 * @param retryDefaultKeys the keys the user set under {@code resilience4j.retry.configs.default}
	 * ({@code max-attempts}, {@code wait-duration}…): those come from the registry's default, the
	 * rest from the endpoint's {@code execution.endpoints.<name>.retry.*}
	 * @param discovery finds the instances of endpoints that name a service id
	 * @param discoveryRefresh how often they are looked up again
	 */
	public HttpTransportFactory(EnvelopeCodec codec, HttpSettings settings,
			Function<String, HttpEndpointSettings> endpoints, CircuitBreakers breakers, RetryRegistry retries,
			HttpClientFactory clients, ExecutionEvents events, ExecutionTimer timer, java.util.Set<String> retryDefaultKeys,
			List<HttpDiscovery> discovery, Duration discoveryRefresh) {
		this.timer = timer;
		this.discovery = List.copyOf(discovery);
		this.discoveryRefresh = discoveryRefresh;
		this.codec = codec;
		this.retryDefaultKeys = java.util.Set.copyOf(retryDefaultKeys);
		this.scheduler = timer.scheduler();
		this.events = events;
		this.settings = settings;
		this.endpoints = endpoints;
		this.breakers = breakers;
		this.retries = retries;
		this.clientFactory = clients;
	}

	/**
	 * The clients of one SSL bundle, made on first use. Redirects are never followed: a call
	 * and its token go only to the configured URLs.
	 */
	private Clients clients(String sslBundle) {
		return this.clients.computeIfAbsent((sslBundle != null) ? sslBundle : "", (key) -> {
			HttpClient client = this.clientFactory.create(sslBundle,
					(builder) -> builder.followRedirects(HttpClient.Redirect.NEVER));
			// Synchronous calls: the client's internal stages run on its selector thread instead of
			// hopping through an executor (2-3x faster on small machines). Only the client's own code
			// and the body collector run there, never a caller's callback, so nothing can block it.
			HttpClient blocking = this.clientFactory.create(sslBundle,
					(builder) -> builder.followRedirects(HttpClient.Redirect.NEVER).executor(Runnable::run));
			return new Clients(client, blocking, SyncExchange.of(blocking, this.settings, this.timer.deadlines()));
		});
	}

	private record Clients(HttpClient client, HttpClient blocking, SyncExchange sync) {
	}

	@Override
	public String mode() {
		return MODE;
	}

	@Override
	public Transport create(EndpointDefinition endpoint) {
		String name = endpoint.name();
		// One instance given by its URL (a worker addressed by id): no retries elsewhere, no balancing.
		HttpEndpointSettings settings = (endpoint.address() != null)
				? new HttpEndpointSettings(List.of(URI.create(endpoint.address())), LoadBalancer.Strategy.ROUND_ROBIN, 1,
						Duration.ofMillis(100), null, null)
				: this.endpoints.apply(name);
		boolean discovered = settings != null && settings.serviceId() != null;
		if (settings == null || (!discovered && (settings.urls() == null || settings.urls().isEmpty()))) {
			throw new IllegalArgumentException("Endpoint '" + name + "' is in http mode but has no URLs: set"
					+ " execution.endpoints." + name + ".urls (or .service-id)");
		}
		if (discovered && this.discovery.isEmpty()) {
			throw new IllegalArgumentException("Endpoint '" + name + "' names service-id '" + settings.serviceId()
					+ "' but nothing here discovers services: add Spring Cloud's DiscoveryClient (spring-cloud-commons and"
					+ " a discovery starter) or use the Redis queue backend's worker registry"
					+ " (execution.queue.backend=redis), or set execution.endpoints." + name + ".urls");
		}
		List<URI> configured = (settings.urls() != null) ? settings.urls().stream().map(HttpTransportFactory::base).toList()
				: List.of();
		Instances instances = new Instances(discovered ? lookUp(settings.serviceId(), configured) : configured,
				(url) -> new Instance(url, this.breakers.get(name + "@" + url)),
				discovered ? "execution.endpoints." + name + ".urls, nor service '" + settings.serviceId() + "' in "
						+ this.discovery.stream().map(HttpDiscovery::describe).toList() : "execution.endpoints." + name + ".urls");
		Clients clients = clients(settings.sslBundle());
		HttpTransport transport = new HttpTransport(name, clients.client(), clients.blocking(), clients.sync(),
				this.codec, this.settings, instances, LoadBalancer.of(settings.loadBalancer()), retry(name, settings),
				this.scheduler);
		transport.retryOrigin(this.retryOrigins.get(name));
		if (discovered) {
			long every = this.discoveryRefresh.toMillis();
			ScheduledFuture<?> refreshes = this.scheduler.scheduleWithFixedDelay(
					() -> this.timer.lookups().execute(() -> refresh(name, settings.serviceId(), configured, instances)),
					every, every, TimeUnit.MILLISECONDS);
			transport.onClose(() -> refreshes.cancel(false));
		}
		return transport;
	}

	/** The configured URLs and those every discovery source finds now (a failing source finds none). */
	private List<URI> lookUp(String serviceId, List<URI> configured) {
		List<URI> urls = new ArrayList<>(configured);
		for (HttpDiscovery source : this.discovery) {
			try {
				source.instances(serviceId).stream().map(HttpTransportFactory::base).forEach(urls::add);
			}
			catch (RuntimeException ex) {
				logger.warn("Looking up service '{}' in {} failed: {}", serviceId, source.describe(), ex.toString());
			}
		}
		return urls;
	}

	private void refresh(String endpoint, String serviceId, List<URI> configured, Instances instances) {
		if (instances.update(lookUp(serviceId, configured))) {
			logger.info("Endpoint '{}': instances of service '{}' now {}", endpoint, serviceId, instances);
		}
	}

	/**
	 * The endpoint's retry, registered in the retry registry (so that Resilience4j's actuator
	 * endpoint and meters show it): the user's instance of that name, else a configuration of
	 * that name, else the registry's default when the user gave one, else the endpoint's own
	 * {@code execution.endpoints.<name>.retry.*}. Whatever its predicate, only attempts that are
	 * safe to repeat are repeated: the transport asks it only for those.
	 */
	private Retry retry(String name, HttpEndpointSettings settings) {
		String[] origin = { null };
		Retry retry = this.retries.find(name).map((found) -> {
			origin[0] = "resilience4j.retry.instances." + name;
			return found;
		}).orElseGet(() -> {
			if (this.retries.getConfiguration(name).isPresent()) {
				origin[0] = "resilience4j.retry.configs." + name;
				return this.retries.retry(name, name);
			}
			origin[0] = "execution.endpoints." + name + ".retry.* (" + settings.maxAttempts() + " attempts)"
					+ (this.retryDefaultKeys.isEmpty() ? ""
							: ", with resilience4j.retry.configs.default's " + new java.util.TreeSet<>(this.retryDefaultKeys));
			return this.retries.retry(name, merged(settings));
		});
		logger.info("Endpoint '{}': retry from {}", name, origin[0]);
		this.retryOrigins.put(name, origin[0]);
		retry.getEventPublisher().onRetry((event) -> this.events.retried(name));
		return retry;
	}

	/** The keys of the registry's default that replace what an endpoint's wait between attempts would be. */
	private static final java.util.Set<String> WAIT_KEYS = java.util.Set.of("wait-duration", "interval-function",
			"interval-bi-function", "enable-exponential-backoff", "exponential-backoff-multiplier",
			"exponential-max-wait-duration", "enable-randomized-wait", "randomized-wait-factor");

	/** Where each endpoint's retry took its configuration, as Actuator shows it. */
	private final java.util.Map<String, String> retryOrigins = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * The endpoint's own retry, with what the user set under {@code configs.default} taken from
	 * the registry's default configuration.
	 */
	private RetryConfig merged(HttpEndpointSettings settings) {
		RetryConfig.Builder<Object> builder = this.retryDefaultKeys.isEmpty() ? RetryConfig.custom()
				: RetryConfig.from(this.retries.getDefaultConfig());
		if (!this.retryDefaultKeys.contains("max-attempts")) {
			builder.maxAttempts(Math.max(1, settings.maxAttempts()));
		}
		if (java.util.Collections.disjoint(this.retryDefaultKeys, WAIT_KEYS)) {
			builder.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5));
		}
		if (!this.retryDefaultKeys.contains("fail-after-max-attempts")) {
			builder.failAfterMaxAttempts(false);
		}
		return builder.build();
	}

	/**
	 * The base URL of an instance's routes: the URL as given when it has a path, else the URL
	 * with {@value #DEFAULT_PATH}.
	 * @param url a configured URL
	 * @return the base URL, without a trailing slash
	 */
	static URI base(URI url) {
		String text = url.toString();
		while (text.endsWith("/")) {
			text = text.substring(0, text.length() - 1);
		}
		String path = url.getPath();
		return URI.create((path == null || path.isEmpty() || path.equals("/")) ? text + DEFAULT_PATH : text);
	}

	@Override
	public void close() {
		// The transports stop their own health checks; the timer belongs to the application.
		this.clients.values().forEach((clients) -> clients.sync().close());
	}

}
