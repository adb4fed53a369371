package io.execution.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.execution.CircuitOpenException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The endpoint's circuit breaker, as a stage of the dispatcher around any transport: asked
 * before a call is sent, told how it ended by {@link CallOutcome} (a failure of the endpoint
 * counts, an answer — the service's own exception included — is a success, a cancel or the
 * caller's mistake releases the permission). The same in every mode that has a breaker.
 * Executions and calls due later are not guarded: they outlive their caller, and a fallback
 * never takes them.
 */
final class BreakerStage {

	private BreakerStage() {
	}

	/** The endpoint's breaker when it guards this call, its permission taken; else {@code null}. */
	static CircuitBreaker enter(Endpoint endpoint, Invocation invocation, String what) {
		CircuitBreaker breaker = endpoint.breaker();
		if (breaker == null || invocation.isExecution() || invocation.dueNanos() != 0) {
			return null;
		}
		if (!breaker.tryAcquirePermission()) {
			throw new EndpointFailure(new CircuitOpenException("Circuit breaker of endpoint '" + endpoint.name()
					+ "' is open: " + what + " " + invocation.method() + " [" + invocation.id() + "] not sent"), false);
		}
		return breaker;
	}

	/** A blocking call through the stage. */
	static Object invoke(Endpoint endpoint, Invocation invocation) {
		return guarded(endpoint, invocation, "call", () -> endpoint.transport().invoke(invocation));
	}

	/** An asynchronous call through the stage: a refusal is a failed future. */
	static CompletableFuture<Object> invokeAsync(Endpoint endpoint, Invocation invocation) {
		CircuitBreaker breaker;
		try {
			breaker = enter(endpoint, invocation, "call");
		}
		catch (EndpointFailure refused) {
			return CompletableFuture.failedFuture(refused);
		}
		if (breaker == null) {
			return endpoint.transport().invokeAsync(invocation);
		}
		long start = breaker.getCurrentTimestamp();
		CompletableFuture<Object> attempt;
		try {
			attempt = endpoint.transport().invokeAsync(invocation);
		}
		catch (RuntimeException | Error ex) {
			record(breaker, start, invocation, ex);
			throw ex;
		}
		attempt.whenComplete((value, failure) -> record(breaker, start, invocation, failure));
		return attempt;
	}

	/** A stream through the stage: judged by whether it opened. */
	static java.util.stream.Stream<Object> openStream(Endpoint endpoint, Invocation invocation) {
		return guarded(endpoint, invocation, "stream", () -> endpoint.transport().openStream(invocation));
	}

	/** Sends on the caller's thread with the breaker's permission, and tells it how that ended. */
	private static <T> T guarded(Endpoint endpoint, Invocation invocation, String what, Supplier<T> send) {
		CircuitBreaker breaker = enter(endpoint, invocation, what);
		if (breaker == null) {
			return send.get();
		}
		long start = breaker.getCurrentTimestamp();
		T result;
		try {
			result = send.get();
		}
		catch (RuntimeException | Error ex) {
			record(breaker, start, invocation, ex);
			throw ex;
		}
		record(breaker, start, invocation, null);
		return result;
	}

	/**
	 * Ends a call on a breaker whose permission it holds. A call cut short at its deadline (its
	 * future cancelled by the dispatcher's deadline) timed out.
	 */
	private static void record(CircuitBreaker breaker, long start, Invocation invocation, Throwable failure) {
		Throwable cause = (failure != null) ? Futures.unwrap(failure) : null;
		CallOutcome outcome = (cause == null) ? CallOutcome.SUCCEEDED : CallOutcome.of(cause);
		if (cause instanceof CancellationException && invocation.remainingNanos() == 0) {
			outcome = CallOutcome.TIMED_OUT;
			cause = Futures.timeout(invocation);
		}
		long elapsed = breaker.getCurrentTimestamp() - start;
		if (outcome.countsAgainstEndpoint()) {
			breaker.onError(elapsed, breaker.getTimestampUnit(), cause);
		}
		else if (outcome.answered()) {
			breaker.onSuccess(elapsed, breaker.getTimestampUnit());
		}
		else {
			breaker.releasePermission();
		}
	}

}
