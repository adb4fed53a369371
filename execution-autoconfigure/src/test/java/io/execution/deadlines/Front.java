package io.execution.deadlines;

import io.execution.ExecutionClient;

/** The service a caller calls, which calls {@link Back} while serving. */
@ExecutionClient("front")
public interface Front {

	String forward(long millis);

}
