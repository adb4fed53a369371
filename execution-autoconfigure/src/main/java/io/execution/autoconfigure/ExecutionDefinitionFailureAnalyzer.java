package io.execution.autoconfigure;

import io.execution.ExecutionDefinitionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because a client, a service or an endpoint cannot work as
 * declared: what is wrong, and what to change.
 */
class ExecutionDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<ExecutionDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ExecutionDefinitionException cause) {
		return new FailureAnalysis(cause.getProblem(), cause.getAction(), cause);
	}

}
