package io.execution.observation;

import io.micrometer.common.KeyValues;

/**
 * The default names of a call's observation: {@value #NAME} (hence the timer of that name, the
 * only one per call), contextual name {@code <service>.<method>}; low-cardinality keys
 * {@code service}, {@code method}, {@code mode}, {@code outcome}, {@code streaming}; high-cardinality
 * {@code invocation.id} and {@code endpoint}.
 */
public class DefaultExecutionClientObservationConvention implements ExecutionClientObservationConvention {

	/** The observation's (and timer's) name. */
	public static final String NAME = "execution.invocations";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ExecutionClientContext context) {
		return context.getService() + "." + context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ExecutionClientContext context) {
		return KeyValues.of("service", context.getService(), "method", context.getMethod(), "mode", context.getMode(),
				"outcome", context.getOutcome(), "streaming", String.valueOf(context.isStreaming()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ExecutionClientContext context) {
		return KeyValues.of("invocation.id", context.getInvocationId(), "endpoint", context.getEndpoint());
	}

}
