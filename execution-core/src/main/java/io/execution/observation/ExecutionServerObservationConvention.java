package io.execution.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of an invocation this application serves. Declare a bean of
 * this type to replace {@link DefaultExecutionServerObservationConvention}.
 */
public interface ExecutionServerObservationConvention extends ObservationConvention<ExecutionServerContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ExecutionServerContext;
	}

}
