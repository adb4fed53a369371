package io.execution.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of a call on the caller's side. Declare a bean of this type to
 * replace {@link DefaultExecutionClientObservationConvention} (or extend it to add key values).
 */
public interface ExecutionClientObservationConvention extends ObservationConvention<ExecutionClientContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ExecutionClientContext;
	}

}
