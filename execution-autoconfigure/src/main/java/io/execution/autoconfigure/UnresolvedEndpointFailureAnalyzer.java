package io.execution.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because a client's service has no endpoint.
 */
class UnresolvedEndpointFailureAnalyzer extends AbstractFailureAnalyzer<UnresolvedEndpointException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnresolvedEndpointException cause) {
		String service = cause.getService();
		return new FailureAnalysis(
				"An @ExecutionClient calls service '" + service + "', which has no endpoint: execution.endpoints."
						+ service + " is not configured and this application has no @ExecutionService named '"
						+ service + "'.",
				"Set execution.endpoints." + service + ".mode to queue (with a worker pool serving it) or http (with"
						+ " execution.endpoints." + service + ".urls), or add an @ExecutionService bean named '"
						+ service + "' to this application.",
				cause);
	}

}
