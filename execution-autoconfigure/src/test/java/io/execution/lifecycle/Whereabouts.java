package io.execution.lifecycle;

import io.execution.ExecutionClient;

/** Tells which thread runs it. */
@ExecutionClient("whereabouts")
public interface Whereabouts {

	String thread();

}
