package io.execution.deadlines;

import io.execution.ExecutionClient;

/** The service a caller calls, which calls {@link Back} while serving. */
@ExecutionClient("front")
public interface Front {

	String forward(long millis);

	/**
	 * Forwards as a future and waits for it without heeding interrupts: nothing on the front's
	 * side cancels the back's call, so only the deadline the call carries can end it early.
	 */
	String forwardDetached(long millis);

}
