package io.execution.http;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import io.execution.AllEndpointsFailedException;
import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.MayHaveRunException;
import io.execution.codec.ErrorCode;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The attempts of one request at the instances of an http endpoint — a call, a stream or the
 * start of an execution: the one place where the next instance is chosen (by the balancer, with
 * its breaker's permission), each attempt's outcome is recorded on that instance's breaker and
 * judged by the outcome model (never ran: another instance may take it; may have run: only an
 * idempotent method; an answer or the caller's mistake: never), the wait before the next attempt
 * is asked of the endpoint's retry, and what the caller gets when every attempt failed is made.
 * Each kind of request sends and reads its own way; it learns here where to send and what a
 * failure means.
 */
final class InstanceAttempts {

	private static final Logger logger = LoggerFactory.getLogger(InstanceAttempts.class);

	private final EndpointInstances endpoint;

	private final Invocation invocation;

	/** What is attempted, for messages: "Call", "Stream" or "Execution". */
	private final String what;

	/** The route it is sent to below an instance's URL, for messages. */
	private final String route;

	private final Retry.AsyncContext<Object> retries;

	private final List<Instance> tried = new ArrayList<>();

	private final List<Throwable> causes = new ArrayList<>();

	private boolean mayHaveRun;

	InstanceAttempts(EndpointInstances endpoint, Invocation invocation, String what, String route) {
		this.endpoint = endpoint;
		this.invocation = invocation;
		this.what = what;
		this.route = route;
		this.retries = endpoint.retry().asyncContext();
	}

	/**
	 * The instance of the next attempt, its breaker's permission taken.
	 * @return the instance
	 * @throws ExecutionTimeoutException when the deadline passed
	 * @throws AttemptFailure when no instance can take it (none, or every breaker open)
	 */
	Instance next() {
		if (this.invocation.remainingNanos() <= 0) {
			throw Futures.timeout(this.invocation);
		}
		synchronized (this) {
			List<Instance> instances = this.endpoint.instances().list();
			if (instances.isEmpty()) {
				throw failure(null, new ExecutionRejectedException("endpoint '" + this.endpoint.endpoint()
						+ "' has no instance: none found in " + this.endpoint.instances().origin()), true, false);
			}
			Instance instance = this.endpoint.balancer().acquire(instances, this.tried);
			if (instance == null) {
				throw failure(null, new CircuitOpenException("The circuit breaker of every instance of endpoint '"
						+ this.endpoint.endpoint() + "' is open"), true, false);
			}
			this.tried.add(instance);
			return instance;
		}
	}

	/**
	 * The attempt was answered: the instance did its part.
	 * @param instance the instance
	 * @param elapsed how long it took, in nanoseconds
	 */
	void answered(Instance instance, long elapsed) {
		instance.breaker().onSuccess(elapsed, TimeUnit.NANOSECONDS);
	}

	/**
	 * The attempt ended with nothing to hold against the instance (the caller gave up, the
	 * request could not be made).
	 * @param instance the instance
	 */
	void released(Instance instance) {
		instance.breaker().releasePermission();
	}

	/**
	 * An attempt that got no answer: a connection refused never ran; a timeout is the deadline;
	 * anything after sending may have run.
	 * @param instance the instance
	 * @param elapsed how long the attempt took
	 * @param failure what the client reported
	 * @param callerGaveUp whether the call ended before this attempt did (cancelled, or at its deadline)
	 * @return what to throw: an {@link AttemptFailure} when another attempt may follow
	 */
	RuntimeException failed(Instance instance, long elapsed, Throwable failure, boolean callerGaveUp) {
		if (failure instanceof CancellationException || callerGaveUp) {
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
		if (neverSent(failure)) {
			return failure(instance, new ExecutionException("Cannot connect to " + instance + ": " + why(instance, failure), failure),
					true, false);
		}
		if (failure instanceof HttpTimeoutException) {
			return Futures.timeout(this.invocation);
		}
		// Sent, and no answer: the call may have run, so only an idempotent one is tried again.
		return failure(instance, new ExecutionException("No answer from " + instance + ": " + failure, failure),
				this.invocation.method().idempotent(), true);
	}

	/**
	 * Why a request to an instance failed, in words: a host that does not resolve, a refused
	 * connection, else the failure itself.
	 * @param instance the instance
	 * @param failure the client's failure
	 * @return the reason
	 */
	static String why(Instance instance, Throwable thrown) {
		Throwable failure = (thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null)
				? thrown.getCause() : thrown;
		if (unresolved(failure)) {
			return "host '" + instance.url().getHost() + "' does not resolve (check the URL)";
		}
		if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
			return "connection refused (nothing listens at " + instance.url().getAuthority() + ")";
		}
		return failure.toString();
	}

	/** Whether the failure is a host name that does not resolve (JDK client: UnresolvedAddressException). */
	private static boolean unresolved(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.nio.channels.UnresolvedAddressException
					|| cause instanceof java.net.UnknownHostException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a client's failure says the request never left (the connection was refused or not
	 * made in time).
	 * @param failure the failure
	 * @return {@code true} when nothing was sent
	 */
	static boolean neverSent(Throwable failure) {
		return failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException
				|| failure.getCause() instanceof ConnectException;
	}

	/**
	 * An attempt answered with an error status, judged by who answered and what: a URL without
	 * Execution's routes, a security layer in front of them, a refusal before running, the
	 * deadline, the caller's mistake, or the instance's failure.
	 * @param instance the instance
	 * @param elapsed how long the attempt took
	 * @param status the HTTP status
	 * @param body the answer's body (JSON when Execution answered)
	 * @return what to throw: an {@link AttemptFailure} when another attempt may follow
	 */
	RuntimeException refused(Instance instance, long elapsed, int status, byte[] body) {
		CircuitBreaker breaker = instance.breaker();
		JsonNode answer = this.endpoint.tree(body);
		JsonNode error = answer.path("error");
		ErrorCode code = error.isString() ? ErrorCode.of(error.stringValue()) : ErrorCode.INTERNAL;
		if (status == 404 && code != ErrorCode.UNKNOWN_SERVICE && code != ErrorCode.UNKNOWN_METHOD) {
			// Not Execution's answer: no routes at that URL. Another instance may have them.
			breaker.releasePermission();
			return failure(instance, new ExecutionRejectedException("No Execution routes at " + instance + this.route
					+ " (HTTP 404): set execution.http.server.enabled=true on the application there, with the same"
					+ " execution.http.server.path, or correct execution.endpoints." + this.endpoint.endpoint()
					+ ".urls"), true, false);
		}
		if ((status == 401 || status == 403) && code == ErrorCode.INTERNAL) {
			// Not Execution's answer: a security layer in front of the routes refused the request.
			breaker.releasePermission();
			return new ExecutionRejectedException("HTTP " + status + " from " + instance + ": the application there"
					+ " refused the request before Execution's routes (Spring Security, a gateway): set"
					+ " execution.http.auth.token on both sides (the routes then check it, and Spring Security leaves"
					+ " them to it), or add an HttpRequestCustomizer bean with the credentials it expects");
		}
		JsonNode said = answer.path("message");
		String message = said.isString() ? said.stringValue() : "HTTP " + status + " from " + instance;
		if (status == 503 && code == ErrorCode.REJECTED) {
			// Refused before running (queue full, shutting down): never ran, so another instance may take it.
			breaker.onError(elapsed, TimeUnit.NANOSECONDS, new ExecutionException(message));
			return failure(instance, code.toException(null, message), true, false);
		}
		if (status == 504 || code == ErrorCode.DEADLINE_EXCEEDED) {
			breaker.onError(elapsed, TimeUnit.NANOSECONDS, new ExecutionTimeoutException(message));
			return new ExecutionTimeoutException(message);
		}
		if (status >= 400 && status < 500) {
			// The caller's mistake (bad request, token, unknown service, size): not the instance's failure.
			breaker.releasePermission();
			return code.toException(null, message + " (from " + instance + ")");
		}
		ExecutionException failure = new ExecutionException("HTTP " + status + " from " + instance + ": " + message);
		breaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
		return failure(instance, failure, this.invocation.method().idempotent(), true);
	}

	/**
	 * An attempt failed at the endpoint.
	 * @param instance the instance, or {@code null} when none was reached
	 * @param failure why
	 * @param retryable whether another attempt is safe
	 * @param mayHaveRun whether the call may have run there
	 * @return the failure to throw
	 */
	AttemptFailure failure(Instance instance, ExecutionException failure, boolean retryable, boolean mayHaveRun) {
		synchronized (this) {
			this.causes.add(failure);
			this.mayHaveRun |= mayHaveRun;
		}
		logger.debug("Endpoint '{}': attempt of {} {} [{}] on {} failed: {}", this.endpoint.endpoint(), this.what,
				this.invocation.method(), this.invocation.id(), instance, failure.getMessage());
		return new AttemptFailure(failure, retryable && this.invocation.remainingNanos() > 0, mayHaveRun);
	}

	/**
	 * How long to wait before the next attempt, or -1 for none: only an attempt that is safe to
	 * repeat goes again (whatever the retry's own predicate says), only as often as the retry
	 * allows, and never when its wait would end past the deadline.
	 * @param failure the failed attempt
	 * @return the wait in milliseconds, or -1
	 */
	long retryDelay(AttemptFailure failure) {
		if (!failure.retryable) {
			return -1;
		}
		long delay = this.retries.onError(failure);
		if (delay < 0 || TimeUnit.MILLISECONDS.toNanos(delay) >= this.invocation.remainingNanos()) {
			return -1;
		}
		return delay;
	}

	/** An attempt succeeded: the retry counts the call as a success. */
	void succeeded() {
		this.retries.onComplete();
	}

	/**
	 * The caller gave up while the calling thread waited.
	 * @return the exception
	 */
	ExecutionCancelledException cancelled() {
		return new ExecutionCancelledException(this.what + " " + this.invocation.method() + " [" + this.invocation.id()
				+ "] was cancelled: the calling thread was interrupted");
	}

	/**
	 * Every attempt failed at the endpoint: the dispatcher may take the call to a fallback.
	 * @param last the last failed attempt
	 * @return what the caller gets
	 */
	synchronized RuntimeException giveUp(AttemptFailure last) {
		List<Throwable> all = this.causes.isEmpty() ? List.of(last.failure) : List.copyOf(this.causes);
		if (last.mayHaveRun && !this.invocation.method().idempotent()) {
			return new EndpointFailure(new MayHaveRunException(this.what + " " + this.invocation.method() + " ["
					+ this.invocation.id() + "] at endpoint '" + this.endpoint.endpoint() + "' may have run: "
					+ last.failure.getMessage() + " (not retried: its method is not @Idempotent)", last.failure), true);
		}
		AllEndpointsFailedException failure = new AllEndpointsFailedException(this.what + " " + this.invocation.method()
				+ " [" + this.invocation.id() + "] failed on every attempt at endpoint '" + this.endpoint.endpoint() + "'",
				all);
		return new EndpointFailure(failure, this.mayHaveRun);
	}

	/**
	 * A failed attempt, saying whether another attempt may follow.
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
