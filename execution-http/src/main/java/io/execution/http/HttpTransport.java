package io.execution.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.async.RemoteExecutions;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.CallOutcome;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.execution.core.Transport;
import io.execution.http.InstanceAttempts.AttemptFailure;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the calls of an {@code http} endpoint as JSON envelopes to the instances at its URLs:
 * balanced, guarded by a circuit breaker per instance (the endpoint's own is the dispatcher's), retried on another
 * instance when that is safe, and health-checked in the background.
 * <p>
 * Only transport failures count against an instance and are retried: a call that never reached
 * a server always may be; one that may have run only when its method is idempotent. The
 * service's own exception and the caller's mistakes (4xx) are answers, not failures.
 */
public final class HttpTransport implements Transport, RemoteExecutions {

	private static final Logger logger = LoggerFactory.getLogger(HttpTransport.class);

	/** Path of the invocation route below an instance's base URL. */
	public static final String INVOCATIONS = "/v1/invocations";

	/** How long telling an instance that a caller gave up may take. */
	private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(2);

	private final String endpoint;

	private final HttpClient client;

	private final SyncExchange sync;

	private final EnvelopeCodec codec;

	private final HttpSettings settings;

	private final Instances instances;

	private volatile Runnable onClose;

	private final LoadBalancer balancer;

	private final Retry retry;

	private final ScheduledExecutorService scheduler;

	private final EndpointInstances reach;

	private final ScheduledFuture<?> healthChecks;

	private final HttpExecutions executions;

	private final HttpStreams streams;

	/**
	 * Makes the transport of one endpoint and starts its health checks.
	 * @param endpoint the endpoint name
	 * @param client the shared HTTP client, for asynchronous calls and health checks
	 * @param blockingClient the shared HTTP client for synchronous calls
	 * @param sync the exchange of synchronous calls (over {@code blockingClient}, or a client made
	 * from it)
	 * @param codec the envelope codec
	 * @param settings the HTTP settings
	 * @param instances the instances, one per URL, as configured or discovered
	 * @param balancer the load balancer
	 * @param retry the endpoint's retry
	 * @param scheduler runs retries' waits and health checks
	 */
	HttpTransport(String endpoint, HttpClient client, HttpClient blockingClient, SyncExchange sync,
			EnvelopeCodec codec, HttpSettings settings,
			Instances instances, LoadBalancer balancer, Retry retry,
			ScheduledExecutorService scheduler) {
		this.endpoint = endpoint;
		this.client = client;
		this.sync = sync;
		this.codec = codec;
		this.settings = settings;
		this.instances = instances;
		this.balancer = balancer;
		this.retry = retry;
		this.scheduler = scheduler;
		EndpointInstances reach = new EndpointInstances(endpoint, client, blockingClient, codec, settings, this.instances,
				balancer, scheduler, retry);
		this.reach = reach;
		this.executions = new HttpExecutions(reach);
		this.streams = new HttpStreams(reach);
		long interval = settings.healthCheckInterval().toMillis();
		this.healthChecks = (interval > 0) ? scheduler.scheduleWithFixedDelay(this::checkHealth, interval, interval,
				TimeUnit.MILLISECONDS) : null;
	}

	/**
	 * The instances behind this endpoint.
	 * @return the instances
	 */
	public List<Instance> instances() {
		return this.instances.list();
	}

	@Override
	public Object invoke(Invocation invocation) {
		// Synchronous calls send on the caller's thread (SyncExchange), skipping the executor hops of
		// the asynchronous API, which cost more than the exchange itself. The exchange is the same;
		// it is complete by the time it returns.
		return Futures.await(exchange(invocation, true), invocation);
	}

	@Override
	public CompletableFuture<Object> invokeAsync(Invocation invocation) {
		if (invocation.isExecution()) {
			// Kept by the instance that runs it, so that it outlives this process.
			return this.executions.start(invocation);
		}
		return exchange(invocation, false);
	}

	/**
	 * The one exchange of a call, blocking or not: attempts on instances chosen by the balancer,
	 * each with its instance's breaker permission, retried after the retry's wait while that is
	 * safe and the deadline allows; each attempt's outcome recorded on its instance's breaker by
	 * {@link CallOutcome}. The endpoint's own breaker is the dispatcher's, as in every mode.
	 */
	private CompletableFuture<Object> exchange(Invocation invocation, boolean blocking) {
		String unavailable = unavailable();
		if (unavailable != null) {
			return CompletableFuture.failedFuture(new EndpointFailure(new ExecutionRejectedException(
					"Call " + invocation.method() + " [" + invocation.id() + "] not sent: " + unavailable), false));
		}
		Call call = new Call(invocation, blocking);
		call.result.whenComplete((value, failure) -> call.finished(failure));
		call.next();
		return call.result;
	}

	@Override
	public java.util.stream.Stream<Object> openStream(Invocation invocation) {
		String unavailable = unavailable();
		if (unavailable != null) {
			throw new EndpointFailure(new ExecutionRejectedException(
					"Stream " + invocation.method() + " [" + invocation.id() + "] not opened: " + unavailable), false);
		}
		return this.streams.open(invocation);
	}

	@Override
	public byte[] fetchExecution(String location) {
		return this.executions.fetch(configured(location));
	}

	@Override
	public boolean cancelExecution(String id, String location) {
		return location != null && this.executions.cancel(configured(location));
	}

	/**
	 * A status URL read from a record (which may come from a shared store such as Redis) is
	 * followed only when it is one of this endpoint's configured URLs: the bearer token goes to
	 * nothing else.
	 */
	private String configured(String location) {
		for (Instance instance : this.instances.list()) {
			if (location.startsWith(instance.url() + HttpExecutions.EXECUTIONS + "/")) {
				return location;
			}
		}
		throw new ExecutionRejectedException("Execution status URL " + location + " is not under a URL of endpoint '"
				+ this.endpoint + "' (execution.endpoints." + this.endpoint + ".urls); it is not followed");
	}

	@Override
	public java.util.Map<String, Object> describe() {
		java.util.Map<String, Object> urls = new java.util.LinkedHashMap<>();
		for (Instance instance : this.instances.list()) {
			urls.put(instance.url().toString(), java.util.Map.of("circuit", instance.breaker().getState().name(),
					"healthy", instance.healthy(), "inFlight", instance.inFlight(), "latencyMs",
					Math.round(instance.latencyNanos() / 10_000.0) / 100.0));
		}
		java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("loadBalancer", this.balancer.getClass().getSimpleName());
		description.put("syncClient", this.sync.client());
		if (this.retryOrigin != null) {
			description.put("retryConfig", this.retryOrigin);
		}
		description.put("urls", urls);
		return description;
	}

	/**
	 * The header on the library's own requests (health checks, the warm-up ping), by which the
	 * serving side leaves them out of its traces and {@code http.server.requests}.
	 */
	public static final String BACKGROUND_HEADER = "X-Execution-Background";

	/** Where the endpoint's retry took its configuration, as Actuator shows it. */
	private volatile String retryOrigin;

	void retryOrigin(String origin) {
		this.retryOrigin = origin;
	}

	/** An endpoint with no instance (none configured, none discovered) cannot serve. */
	@Override
	public String unavailable() {
		if (!this.instances.list().isEmpty()) {
			return null;
		}
		return "endpoint '" + this.endpoint + "' has no instance: none found in " + this.instances.origin();
	}

	/**
	 * Opens a connection to each instance with a ping, its answer ignored: the JDK client keeps
	 * the connection for the first call, and an instance not up yet is no verdict on it.
	 */
	@Override
	public void warmUp() {
		for (Instance instance : this.instances.list()) {
			this.client.sendAsync(get(instance, "/v1/ping"), HttpResponse.BodyHandlers.discarding());
		}
	}

	/** A GET of a path below an instance's URL, within the health-check timeout, authorized. */
	private HttpRequest get(Instance instance, String path) {
		HttpRequest.Builder request = EndpointInstances.newRequest(URI.create(instance.url() + path))
			.timeout(this.settings.healthCheckTimeout())
			// The library's own traffic: the serving side neither traces nor times it as a request.
			.header(BACKGROUND_HEADER, "health-check")
			.GET();
		authorize(request);
		return request.build();
	}

	private void checkHealth() {
		for (Instance instance : this.instances.list()) {
			this.client.sendAsync(get(instance, this.settings.healthPath()), HttpResponse.BodyHandlers.discarding())
				.whenComplete((response, failure) -> {
					boolean healthy = failure == null && response.statusCode() / 100 == 2;
					boolean before = instance.everHealthy();
					if (instance.healthy(healthy)) {
						String why = (failure != null) ? InstanceAttempts.why(instance, failure)
								: (response != null) ? "status " + response.statusCode() : "";
						if (healthy) {
							logger.info("Endpoint '{}': {} passes its health check{}", this.endpoint, instance,
									before ? " again" : "");
						}
						else if (!before) {
							// Never seen up: not started yet, or a URL to correct. Calls say so if they need it.
							logger.info("Endpoint '{}': {} does not answer its health check yet ({}); out of rotation until"
									+ " it does", this.endpoint, instance, why);
						}
						else {
							logger.warn("Endpoint '{}': {} failed its health check ({}); out of rotation", this.endpoint,
									instance, why);
						}
					}
				});
		}
	}

	private void authorize(HttpRequest.Builder request) {
		this.reach.authorize(request);
	}

	@Override
	public void close() {
		if (this.healthChecks != null) {
			this.healthChecks.cancel(false);
		}
		Runnable closing = this.onClose;
		if (closing != null) {
			closing.run();
		}
	}

	/**
	 * Runs something when the transport closes (stops its discovery refreshes).
	 * @param closing what to run
	 */
	void onClose(Runnable closing) {
		this.onClose = closing;
	}

	@Override
	public String toString() {
		return "HttpTransport[" + this.endpoint + " -> " + this.instances + "]";
	}

	/**
	 * The attempts of one call: which instances it tried, what each attempt gave, the exchange in
	 * flight (so that cancelling the call aborts it) and the retry's context.
	 */
	private final class Call {

		final CompletableFuture<Object> result = new CompletableFuture<>();

		private final Invocation invocation;

		private final boolean blocking;

		/** Where each attempt goes and what its failure means: the same for calls, streams and executions. */
		private final InstanceAttempts attempts;

		private final AtomicReference<CompletableFuture<?>> exchange = new AtomicReference<>();

		/** The instance of the attempt in flight, told when the caller gives up on it. */
		private volatile Instance sending;

		Call(Invocation invocation, boolean blocking) {
			this.invocation = invocation;
			this.blocking = blocking;
			this.attempts = new InstanceAttempts(HttpTransport.this.reach, invocation, "Call", INVOCATIONS);
		}

		/**
		 * Makes the next attempt: the rest of the call, on the caller's thread when blocking (then
		 * the result is complete when this returns); else the attempt's answer moves it on.
		 */
		void next() {
			while (!this.result.isDone()) {
				Attempt attempt;
				try {
					attempt = prepare();
				}
				catch (AttemptFailure failure) {
					if (retryAfter(failure)) {
						continue;
					}
					return;
				}
				catch (RuntimeException ex) {
					this.result.completeExceptionally(ex);
					return;
				}
				if (!this.blocking) {
					sendAsync(attempt).whenComplete(this::answered);
					return;
				}
				try {
					succeed(sendBlocking(attempt));
					return;
				}
				catch (AttemptFailure failure) {
					if (!retryAfter(failure)) {
						return;
					}
				}
				catch (RuntimeException ex) {
					this.result.completeExceptionally(ex);
					return;
				}
			}
		}

		private void answered(Object value, Throwable failure) {
			if (failure == null) {
				succeed(value);
				return;
			}
			Throwable cause = Futures.unwrap(failure);
			if (!(cause instanceof AttemptFailure attempt)) {
				this.result.completeExceptionally(cause);
				return;
			}
			long delay = retryDelay(attempt);
			if (delay < 0) {
				this.result.completeExceptionally(giveUp(attempt));
			}
			else if (delay == 0) {
				next();
			}
			else {
				HttpTransport.this.scheduler.schedule(this::next, delay, TimeUnit.MILLISECONDS);
			}
		}

		private void succeed(Object value) {
			this.attempts.succeeded();
			this.result.complete(value);
		}

		/**
		 * After a failed attempt of a blocking call: waits for the retry's interval and says
		 * whether to go on; otherwise completes the call.
		 */
		private boolean retryAfter(AttemptFailure failure) {
			long delay = retryDelay(failure);
			if (delay < 0) {
				this.result.completeExceptionally(giveUp(failure));
				return false;
			}
			if (delay > 0 && this.blocking) {
				try {
					Thread.sleep(delay);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.result.completeExceptionally(cancelled());
					return false;
				}
			}
			else if (delay > 0) {
				HttpTransport.this.scheduler.schedule(this::next, delay, TimeUnit.MILLISECONDS);
				return false;
			}
			return true;
		}

		/**
		 * How long to wait before the next attempt, or -1 for none: only an attempt that is safe
		 * to repeat goes again (whatever the retry's own predicate says), only as often as the
		 * retry allows, and never when its wait would end past the deadline.
		 */
		private long retryDelay(AttemptFailure failure) {
			return this.result.isDone() ? -1 : this.attempts.retryDelay(failure);
		}

		/**
		 * The call ended (answered, failed, cancelled, timed out): aborts the exchange in flight
		 * and, when the caller gave up on it, tells the instance that runs it.
		 */
		void finished(Throwable failure) {
			CompletableFuture<?> current = this.exchange.get();
			if (current != null && !current.isDone()) {
				current.cancel(true);
			}
			CallOutcome outcome = outcome(failure);
			Instance unanswered = this.sending;
			if (outcome == CallOutcome.CANCELLED && unanswered != null) {
				cancelAt(unanswered);
			}
		}

		/**
		 * Tells the instance that runs the call that its caller gave up, so that it interrupts the
		 * method ({@code DELETE {url}/v1/invocations/{id}}); at the deadline the instance stops the
		 * method by itself, since the deadline travels with the request.
		 */
		private void cancelAt(Instance instance) {
			HttpRequest.Builder request = HttpRequest
				.newBuilder(URI.create(instance.url() + INVOCATIONS + "/" + this.invocation.id()))
				.timeout(CANCEL_TIMEOUT)
				.DELETE();
			authorize(request);
			HttpTransport.this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
				.whenComplete((response, failure) -> logger.debug("Endpoint '{}': cancel of [{}] at {}: {}",
						HttpTransport.this.endpoint, this.invocation.id(), instance,
						(failure != null) ? failure.toString() : "HTTP " + response.statusCode()));
		}

		/** A call cancelled when its deadline passed timed out; otherwise its caller gave up. */
		private CallOutcome outcome(Throwable failure) {
			CallOutcome outcome = CallOutcome.of(failure);
			return (outcome == CallOutcome.CANCELLED && this.invocation.remainingNanos() == 0) ? CallOutcome.TIMED_OUT
					: outcome;
		}

		private CompletableFuture<Object> sendAsync(Attempt attempt) {
			this.sending = attempt.instance;
			long started = attempt.instance.started();
			CompletableFuture<HttpResponse<byte[]>> sent = HttpTransport.this.client.sendAsync(attempt.request,
					(info) -> new LimitedBodySubscriber(HttpTransport.this.settings.payloadLimit()));
			this.exchange.set(sent);
			if (this.result.isDone()) {
				sent.cancel(true);
			}
			return sent.handle((response, failure) -> {
				long elapsed = attempt.instance.finished(started);
				if (!this.result.isDone()) {
					this.sending = null;
				}
				if (failure != null) {
					throw classify(attempt.instance, elapsed, Futures.unwrap(failure));
				}
				return read(attempt.instance, elapsed, new SyncExchange.Answer(response.statusCode(),
						response.headers().firstValue("Content-Encoding").orElse(""), response.body()));
			});
		}

		private Object sendBlocking(Attempt attempt) {
			this.sending = attempt.instance;
			long started = attempt.instance.started();
			SyncExchange.Answer answer;
			try {
				answer = HttpTransport.this.sync.send(attempt.request, attempt.body);
				this.sending = null;
			}
			catch (InterruptedException ex) {
				attempt.instance.finished(started);
				this.attempts.released(attempt.instance);
				Thread.currentThread().interrupt();
				throw cancelled();
			}
			catch (IOException | ExecutionRejectedException ex) {
				throw classify(attempt.instance, attempt.instance.finished(started), ex);
			}
			return read(attempt.instance, attempt.instance.finished(started), answer);
		}

		private ExecutionCancelledException cancelled() {
			return this.attempts.cancelled();
		}

		/**
		 * Chooses the instance of the next attempt, with its breaker's permission, and builds its
		 * request.
		 */
		private Attempt prepare() {
			Instance instance = this.attempts.next();
			long remaining = Math.max(1, this.invocation.remainingNanos());
			try {
				byte[] body = HttpTransport.this.codec.encodeRequest(this.invocation);
				boolean gzip = body.length > HttpTransport.this.settings.compressionThreshold();
				if (gzip) {
					body = Gzip.compress(body);
				}
				return new Attempt(instance, request(instance, remaining, body, gzip), body);
			}
			catch (RuntimeException ex) {
				this.attempts.released(instance);
				throw ex;
			}
		}

		private HttpRequest request(Instance instance, long remainingNanos, byte[] body, boolean gzip) {
			HttpRequest.Builder request = EndpointInstances.newRequest(instance.invocations())
				.timeout(Duration.ofNanos(remainingNanos))
				.header("Content-Type", "application/json")
				.header("Accept-Encoding", "gzip");
			if (gzip) {
				request.header("Content-Encoding", "gzip");
			}
			authorize(request);
			EndpointInstances.traced(request, this.invocation.trace());
			return request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
		}

		private Object read(Instance instance, long elapsed, SyncExchange.Answer answer) {
			byte[] body = answer.body();
			try {
				if ("gzip".equalsIgnoreCase(answer.contentEncoding())) {
					body = Gzip.decompress(new ByteArrayInputStream(body), HttpTransport.this.settings.payloadLimit());
					if (body == null) {
						this.attempts.released(instance);
						throw new ExecutionRejectedException("The answer of " + instance
								+ " inflates past execution.http.payload-limit");
					}
				}
			}
			catch (IOException ex) {
				throw classify(instance, elapsed, ex);
			}
			if (answer.status() != 200) {
				throw this.attempts.refused(instance, elapsed, answer.status(), body);
			}
			this.attempts.answered(instance, elapsed);
			// The service's own exception arrives here as an answer: it is thrown, never retried.
			return HttpTransport.this.codec.readResult(body, this.invocation.method());
		}

		private RuntimeException classify(Instance instance, long elapsed, Throwable failure) {
			return this.attempts.failed(instance, elapsed, failure, this.result.isDone());
		}

		RuntimeException giveUp(AttemptFailure last) {
			return this.attempts.giveUp(last);
		}

	}
	/** The instance an attempt goes to, its request and the request's body. */
	private record Attempt(Instance instance, HttpRequest request, byte[] body) {
	}

}
