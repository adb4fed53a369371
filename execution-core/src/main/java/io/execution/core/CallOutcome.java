package io.execution.core;

import java.util.concurrent.CancellationException;

import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;

/**
 * How a call (or one attempt of it) ended, in the one model that retries, both levels of circuit
 * breakers, fallbacks, metrics and statistics share in every mode:
 * <table>
 * <caption>Outcomes</caption>
 * <tr><th>outcome</th><th>breakers</th><th>tried again</th><th>statistics</th></tr>
 * <tr><td>{@link #SUCCEEDED}</td><td>success</td><td>no</td><td>success</td></tr>
 * <tr><td>{@link #SERVICE_EXCEPTION}: the method threw, an answer</td><td>success</td><td>no</td><td>success</td></tr>
 * <tr><td>{@link #CANCELLED}: the caller gave up</td><td>permission released, nothing recorded</td><td>no</td><td>not a failure</td></tr>
 * <tr><td>{@link #REJECTED}: refused before running, not the target's fault</td><td>nothing recorded</td><td>no</td><td>failure</td></tr>
 * <tr><td>{@link #NEVER_RAN}: the endpoint failed before the call ran</td><td>failure</td><td>anywhere</td><td>failure</td></tr>
 * <tr><td>{@link #MAY_HAVE_RUN}: the endpoint failed after the call was sent</td><td>failure</td><td>only {@code @Idempotent}</td><td>failure</td></tr>
 * <tr><td>{@link #TIMED_OUT}: the deadline passed without an answer</td><td>failure</td><td>no</td><td>failure</td></tr>
 * </table>
 */
public enum CallOutcome {

	/** A result came back. */
	SUCCEEDED("success"),

	/** The service method threw: an answer, never a failure of the endpoint. */
	SERVICE_EXCEPTION("service-exception"),

	/** The caller cancelled or its thread was interrupted: not evidence against anyone. */
	CANCELLED("cancelled"),

	/**
	 * Refused before it ran, for reasons that are not the target's failure: a circuit breaker's
	 * refusal, the caller's own mistake (authentication, size, unknown service), a cycle.
	 */
	REJECTED("rejected"),

	/** The endpoint failed and the call surely did not run: safe to try anywhere. */
	NEVER_RAN("error"),

	/** The endpoint failed after the call was sent: it may have run, so only idempotent calls go again. */
	MAY_HAVE_RUN("error"),

	/** The call's deadline passed before an answer came. */
	TIMED_OUT("timeout");

	private final String tag;

	CallOutcome(String tag) {
		this.tag = tag;
	}

	/**
	 * The outcome of a call or attempt that ended with a failure, or succeeded.
	 * @param failure what it failed with ({@link EndpointFailure} and future wrappers included),
	 * or {@code null}
	 * @return the outcome
	 */
	public static CallOutcome of(Throwable failure) {
		if (failure == null) {
			return SUCCEEDED;
		}
		Throwable cause = Futures.unwrap(failure);
		if (cause instanceof EndpointFailure endpoint) {
			return endpoint.mayHaveRun() ? MAY_HAVE_RUN : NEVER_RAN;
		}
		if (cause instanceof RemoteExecutionException) {
			return SERVICE_EXCEPTION;
		}
		if (cause instanceof ExecutionCancelledException || cause instanceof CancellationException
				|| cause instanceof InterruptedException) {
			return CANCELLED;
		}
		if (cause instanceof ExecutionTimeoutException) {
			return TIMED_OUT;
		}
		if (cause instanceof ExecutionRejectedException || cause instanceof ServiceNotFoundException
				|| cause instanceof CircuitOpenException) {
			return REJECTED;
		}
		// Anything else (an error answer, a broken reply): we cannot tell that it did not run.
		return MAY_HAVE_RUN;
	}

	/**
	 * Whether a circuit breaker records this outcome as a failure.
	 * @return {@code true} for {@link #NEVER_RAN}, {@link #MAY_HAVE_RUN} and {@link #TIMED_OUT}
	 */
	public boolean countsAgainstEndpoint() {
		return this == NEVER_RAN || this == MAY_HAVE_RUN || this == TIMED_OUT;
	}

	/**
	 * Whether a circuit breaker records this outcome as a success (the target answered).
	 * @return {@code true} for {@link #SUCCEEDED} and {@link #SERVICE_EXCEPTION}
	 */
	public boolean answered() {
		return this == SUCCEEDED || this == SERVICE_EXCEPTION;
	}

	/**
	 * Whether the call may go again, here or on another endpoint.
	 * @param idempotent whether its method is {@code @Idempotent}
	 * @return {@code true} for {@link #NEVER_RAN}, and {@link #MAY_HAVE_RUN} when idempotent
	 */
	public boolean mayTryAgain(boolean idempotent) {
		return this == NEVER_RAN || (this == MAY_HAVE_RUN && idempotent);
	}

	/**
	 * Whether statistics count the call as failed.
	 * @return {@code false} for answers and cancellations
	 */
	public boolean failed() {
		return !answered() && this != CANCELLED;
	}

	/**
	 * The value of the {@code outcome} tag of metrics and observations.
	 * @return for example {@code success}, {@code service-exception}, {@code timeout}
	 */
	public String tag() {
		return this.tag;
	}

}
