package io.execution.deadlines;

import io.execution.ExecutionService;

import org.springframework.beans.factory.ObjectProvider;

/** Forwards to {@link Back}: a call made while serving one. */
@ExecutionService("front")
public class FrontService implements Front {

	private final ObjectProvider<Back> back;

	public FrontService(ObjectProvider<Back> back) {
		this.back = back;
	}

	@Override
	public String forward(long millis) {
		return this.back.getObject().sleep(millis);
	}

	@Override
	public String forwardDetached(long millis) {
		return this.back.getObject().sleepAsync(millis).join();
	}

}
