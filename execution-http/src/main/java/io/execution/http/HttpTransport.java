package io.execution.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.execution.AllEndpointsFailedException;
import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.MayHaveRunException;
import io.execution.async.RemoteExecutions;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.core.CallOutcome;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.execution.core.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

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
				balancer, scheduler);
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
		return java.util.Map.of("loadBalancer",
				this.balancer.getClass().getSimpleName(), "syncClient", this.sync.client(), "urls", urls);
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
			.GET();
		authorize(request);
		return request.build();
	}

	private void checkHealth() {
		for (Instance instance : this.instances.list()) {
			this.client.sendAsync(get(instance, this.settings.healthPath()), HttpResponse.BodyHandlers.discarding())
				.whenComplete((response, failure) -> {
					boolean healthy = failure == null && response.statusCode() / 100 == 2;
					if (instance.healthy(healthy)) {
						if (healthy) {
							logger.info("Endpoint '{}': {} passes its health check again", this.endpoint, instance);
						}
						else {
							logger.warn("Endpoint '{}': {} failed its health check ({}); out of rotation", this.endpoint,
									instance, (failure != null) ? failure.toString() : "status " + response.statusCode());
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

		private final Retry.AsyncContext<Object> retries = HttpTransport.this.retry.asyncContext();

		private final List<Instance> tried = new ArrayList<>();

		private final List<Throwable> causes = new ArrayList<>();

		private final AtomicReference<CompletableFuture<?>> exchange = new AtomicReference<>();

		/** The instance of the attempt in flight, told when the caller gives up on it. */
		private volatile Instance sending;

		private boolean mayHaveRun;

		Call(Invocation invocation, boolean blocking) {
			this.invocation = invocation;
			this.blocking = blocking;
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
			this.retries.onComplete();
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
			if (!failure.retryable || this.result.isDone()) {
				return -1;
			}
			long delay = this.retries.onError(failure);
			if (delay < 0 || TimeUnit.MILLISECONDS.toNanos(delay) >= this.invocation.remainingNanos()) {
				return -1;
			}
			return delay;
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
				attempt.instance.breaker().releasePermission();
				Thread.currentThread().interrupt();
				throw cancelled();
			}
			catch (IOException | ExecutionRejectedException ex) {
				throw classify(attempt.instance, attempt.instance.finished(started), ex);
			}
			return read(attempt.instance, attempt.instance.finished(started), answer);
		}

		private ExecutionCancelledException cancelled() {
			return new ExecutionCancelledException("Call " + this.invocation.method() + " [" + this.invocation.id()
					+ "] was cancelled: the calling thread was interrupted");
		}

		/**
		 * Chooses the instance of the next attempt, with its breaker's permission, and builds its
		 * request.
		 */
		private Attempt prepare() {
			long remaining = this.invocation.remainingNanos();
			if (remaining <= 0) {
				throw Futures.timeout(this.invocation);
			}
			Instance instance;
			synchronized (this) {
				List<Instance> instances = HttpTransport.this.instances.list();
				if (instances.isEmpty()) {
					throw failure(null, new ExecutionRejectedException(HttpTransport.this.unavailable()), true, false);
				}
				instance = HttpTransport.this.balancer.acquire(instances, this.tried);
				if (instance == null) {
					throw failure(null, new CircuitOpenException("The circuit breaker of every instance of endpoint '"
							+ HttpTransport.this.endpoint + "' is open"), true, false);
				}
				this.tried.add(instance);
			}
			try {
				byte[] body = HttpTransport.this.codec.encodeRequest(this.invocation);
				boolean gzip = body.length > HttpTransport.this.settings.compressionThreshold();
				if (gzip) {
					body = Gzip.compress(body);
				}
				return new Attempt(instance, request(instance, remaining, body, gzip), body);
			}
			catch (RuntimeException ex) {
				instance.breaker().releasePermission();
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
			CircuitBreaker instanceBreaker = instance.breaker();
			byte[] body = answer.body();
			try {
				if ("gzip".equalsIgnoreCase(answer.contentEncoding())) {
					body = Gzip.decompress(new ByteArrayInputStream(body), HttpTransport.this.settings.payloadLimit());
					if (body == null) {
						instanceBreaker.releasePermission();
						throw new ExecutionRejectedException("The answer of " + instance
								+ " inflates past execution.http.payload-limit");
					}
				}
			}
			catch (IOException ex) {
				throw classify(instance, elapsed, ex);
			}
			int status = answer.status();
			if (status == 200) {
				instanceBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
				// The service's own exception arrives here as an answer: it is thrown, never retried.
				return HttpTransport.this.codec.readResult(body, this.invocation.method());
			}
			ErrorCode code = errorCode(body);
			if (status == 404 && code != ErrorCode.UNKNOWN_SERVICE && code != ErrorCode.UNKNOWN_METHOD) {
				// Not Execution's answer: no routes at that URL. Another instance may have them.
				instanceBreaker.releasePermission();
				throw failure(instance, new ExecutionRejectedException("No Execution routes at " + instance + INVOCATIONS
						+ " (HTTP 404): set execution.http.server.enabled=true on the application there, with the same"
						+ " execution.http.server.path, or correct execution.endpoints." + HttpTransport.this.endpoint
						+ ".urls"), true, false);
			}
			if ((status == 401 || status == 403) && code == ErrorCode.INTERNAL) {
				// Not Execution's answer: a security layer in front of the routes refused the request.
				instanceBreaker.releasePermission();
				throw new ExecutionRejectedException("HTTP " + status + " from " + instance + ": the application there"
						+ " refused the request before Execution's routes (Spring Security, a gateway): set"
						+ " execution.http.auth.token on both sides (the routes then check it, and Spring Security leaves"
						+ " them to it), or add an HttpRequestCustomizer bean with the credentials it expects");
			}
			String message = message(body, "HTTP " + status + " from " + instance);
			if (status == 503 && code == ErrorCode.REJECTED) {
				// Refused before running (queue full, shutting down): never ran, so another instance may take it.
				instanceBreaker.onError(elapsed, TimeUnit.NANOSECONDS, new ExecutionException(message));
				throw failure(instance, code.toException(null, message), true, false);
			}
			if (status == 504 || code == ErrorCode.DEADLINE_EXCEEDED) {
				instanceBreaker.onError(elapsed, TimeUnit.NANOSECONDS, new ExecutionTimeoutException(message));
				throw new ExecutionTimeoutException(message);
			}
			if (status >= 400 && status < 500) {
				// The caller's mistake (bad request, token, unknown service, size): not the instance's failure.
				instanceBreaker.releasePermission();
				throw code.toException(null, message + " (from " + instance + ")");
			}
			ExecutionException failure = new ExecutionException("HTTP " + status + " from " + instance + ": " + message);
			instanceBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
			throw failure(instance, failure, this.invocation.method().idempotent(), true);
		}

		private RuntimeException classify(Instance instance, long elapsed, Throwable failure) {
			if (failure instanceof CancellationException || this.result.isDone()) {
				if (this.invocation.remainingNanos() > 0) {
					// The caller gave up: not evidence against the instance.
					instance.breaker().releasePermission();
					return cancelled();
				}
				instance.breaker().onError(elapsed, TimeUnit.NANOSECONDS, Futures.timeout(this.invocation));
				return Futures.timeout(this.invocation);
			}
			if (failure instanceof ExecutionRejectedException tooLarge) {
				// The answer is over the payload limit: the call ran; the limit is the caller's.
				instance.breaker().releasePermission();
				return tooLarge;
			}
			instance.breaker().onError(elapsed, TimeUnit.NANOSECONDS, failure);
			if (failure instanceof HttpConnectTimeoutException || failure instanceof ConnectException
					|| failure.getCause() instanceof ConnectException) {
				return failure(instance, new ExecutionException("Cannot connect to " + instance + ": " + failure, failure),
						true, false);
			}
			if (failure instanceof HttpTimeoutException) {
				return Futures.timeout(this.invocation);
			}
			// Sent, and no answer: the call may have run, so only an idempotent one is tried again.
			return failure(instance, new ExecutionException("No answer from " + instance + ": " + failure, failure),
					this.invocation.method().idempotent(), true);
		}

		private AttemptFailure failure(Instance instance, ExecutionException failure, boolean retryable,
				boolean mayHaveRun) {
			synchronized (this) {
				this.causes.add(failure);
				this.mayHaveRun |= mayHaveRun;
			}
			logger.debug("Endpoint '{}': attempt of {} [{}] on {} failed: {}", HttpTransport.this.endpoint,
					this.invocation.method(), this.invocation.id(), instance, failure.getMessage());
			return new AttemptFailure(failure, retryable && this.invocation.remainingNanos() > 0, mayHaveRun);
		}

		/** Every attempt failed at the endpoint: the dispatcher may take the call to a fallback. */
		synchronized RuntimeException giveUp(AttemptFailure last) {
			List<Throwable> causes = this.causes.isEmpty() ? List.of(last.failure) : this.causes;
			if (last.mayHaveRun && !this.invocation.method().idempotent()) {
				return new EndpointFailure(new MayHaveRunException("Call " + this.invocation.method() + " ["
						+ this.invocation.id() + "] at endpoint '" + HttpTransport.this.endpoint + "' may have run: "
						+ last.failure.getMessage() + " (not retried: its method is not @Idempotent)", last.failure), true);
			}
			AllEndpointsFailedException failure = new AllEndpointsFailedException("Call " + this.invocation.method()
					+ " [" + this.invocation.id() + "] failed on every attempt at endpoint '" + HttpTransport.this.endpoint
					+ "'", causes);
			return new EndpointFailure(failure, this.mayHaveRun);
		}

		private ErrorCode errorCode(byte[] body) {
			JsonNode error = tree(body).path("error");
			return error.isString() ? ErrorCode.of(error.stringValue()) : ErrorCode.INTERNAL;
		}

		private String message(byte[] body, String fallback) {
			JsonNode message = tree(body).path("message");
			return message.isString() ? message.stringValue() : fallback;
		}

		private JsonNode tree(byte[] body) {
			try {
				JsonNode node = HttpTransport.this.codec.mapper().readTree(body);
				return (node != null) ? node : HttpTransport.this.codec.mapper().missingNode();
			}
			catch (RuntimeException ex) {
				return HttpTransport.this.codec.mapper().missingNode();
			}
		}

	}

	/** The instance an attempt goes to, its request and the request's body. */
	private record Attempt(Instance instance, HttpRequest request, byte[] body) {
	}

	/**
	 * A failed attempt of a call, saying whether another attempt may follow.
	 */
	static final class AttemptFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final transient ExecutionException failure;

		final boolean retryable;

		final boolean mayHaveRun;

		AttemptFailure(ExecutionException failure, boolean retryable, boolean mayHaveRun) {
			super(failure.getMessage(), failure, false, false);
			this.failure = failure;
			this.retryable = retryable;
			this.mayHaveRun = mayHaveRun;
		}

	}

}
