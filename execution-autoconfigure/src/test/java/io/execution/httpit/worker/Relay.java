package io.execution.httpit.worker;

import io.execution.ExecutionClient;

/** A client of the worker's own service, to make a cycle. */
@ExecutionClient("billing")
public interface Relay {

	String relay(String text);

}
