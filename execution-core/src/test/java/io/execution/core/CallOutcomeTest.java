package io.execution.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import io.execution.AllEndpointsFailedException;
import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.MayHaveRunException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outcome table, row by row: what each failure is, and what breakers, retries, fallbacks and
 * statistics do with it.
 */
class CallOutcomeTest {

	@Test
	void eachFailureHasItsOutcome() {
		assertThat(CallOutcome.of(null)).isEqualTo(CallOutcome.SUCCEEDED);
		assertThat(CallOutcome.of(new RemoteExecutionException("IllegalStateException", "no", null)))
			.isEqualTo(CallOutcome.SERVICE_EXCEPTION);
		assertThat(CallOutcome.of(new CancellationException())).isEqualTo(CallOutcome.CANCELLED);
		assertThat(CallOutcome.of(new ExecutionCancelledException("gone"))).isEqualTo(CallOutcome.CANCELLED);
		assertThat(CallOutcome.of(new ExecutionTimeoutException("late"))).isEqualTo(CallOutcome.TIMED_OUT);
		assertThat(CallOutcome.of(new CircuitOpenException("open"))).isEqualTo(CallOutcome.REJECTED);
		assertThat(CallOutcome.of(new ExecutionRejectedException("401"))).isEqualTo(CallOutcome.REJECTED);
		assertThat(CallOutcome.of(new ServiceNotFoundException("404"))).isEqualTo(CallOutcome.REJECTED);
		assertThat(CallOutcome.of(new EndpointFailure(new ExecutionException("refused"), false)))
			.isEqualTo(CallOutcome.NEVER_RAN);
		assertThat(CallOutcome.of(new EndpointFailure(new ExecutionException("no answer"), true)))
			.isEqualTo(CallOutcome.MAY_HAVE_RUN);
		assertThat(CallOutcome.of(new AllEndpointsFailedException("all", java.util.List.of())))
			.isEqualTo(CallOutcome.MAY_HAVE_RUN);
		assertThat(CallOutcome.of(new MayHaveRunException("taken by a worker that stopped")))
			.isEqualTo(CallOutcome.MAY_HAVE_RUN);
	}

	@Test
	void futureWrappersAreSeenThrough() {
		assertThat(CallOutcome.of(new CompletionException(new EndpointFailure(new ExecutionException("x"), false))))
			.isEqualTo(CallOutcome.NEVER_RAN);
		assertThat(CallOutcome.of(new CompletionException(new ExecutionTimeoutException("late"))))
			.isEqualTo(CallOutcome.TIMED_OUT);
	}

	@Test
	void breakersCountOnlyTheEndpointsOwnFailures() {
		assertThat(CallOutcome.values()).filteredOn(CallOutcome::countsAgainstEndpoint)
			.containsExactlyInAnyOrder(CallOutcome.NEVER_RAN, CallOutcome.MAY_HAVE_RUN, CallOutcome.TIMED_OUT);
		assertThat(CallOutcome.values()).filteredOn(CallOutcome::answered)
			.containsExactlyInAnyOrder(CallOutcome.SUCCEEDED, CallOutcome.SERVICE_EXCEPTION);
	}

	@Test
	void onlyWhatSurelyDidNotRunGoesAgainUnlessIdempotent() {
		assertThat(CallOutcome.values()).filteredOn((outcome) -> outcome.mayTryAgain(false))
			.containsExactly(CallOutcome.NEVER_RAN);
		assertThat(CallOutcome.values()).filteredOn((outcome) -> outcome.mayTryAgain(true))
			.containsExactlyInAnyOrder(CallOutcome.NEVER_RAN, CallOutcome.MAY_HAVE_RUN);
	}

	@Test
	void statisticsCountNeitherAnswersNorCancellationsAsFailures() {
		assertThat(CallOutcome.values()).filteredOn((outcome) -> !outcome.failed())
			.containsExactlyInAnyOrder(CallOutcome.SUCCEEDED, CallOutcome.SERVICE_EXCEPTION, CallOutcome.CANCELLED);
		assertThat(CallOutcome.SERVICE_EXCEPTION.tag()).isEqualTo("service-exception");
		assertThat(CallOutcome.NEVER_RAN.tag()).isEqualTo("error");
	}

}
