package io.execution.observation;

import io.micrometer.common.KeyValues;

/**
 * The default names of a served invocation's observation: {@value #NAME}, contextual name
 * {@code <service>.<method>}; low-cardinality keys {@code service}, {@code method},
 * {@code outcome}; high-cardinality {@code invocation.id}.
 */
public class DefaultExecutionServerObservationConvention implements ExecutionServerObservationConvention {

	/** The observation's (and timer's) name. */
	public static final String NAME = "execution.server.invocations";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ExecutionServerContext context) {
		return context.getService() + "." + context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ExecutionServerContext context) {
		return KeyValues.of("service", context.getService(), "method", context.getMethod(), "outcome",
				context.getOutcome());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ExecutionServerContext context) {
		return KeyValues.of("invocation.id", context.getInvocationId());
	}

}
