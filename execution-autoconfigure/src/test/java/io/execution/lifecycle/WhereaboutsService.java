package io.execution.lifecycle;

import io.execution.ExecutionService;

/** Answers with its thread, as {@link Thread#toString()} shows it (virtual threads say so). */
@ExecutionService("whereabouts")
public class WhereaboutsService implements Whereabouts {

	@Override
	public String thread() {
		return Thread.currentThread().toString();
	}

}
