package io.execution.autoconfigure;

import io.execution.core.ExecutionEvents;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The {@link ExecutionEvents} that the dispatcher and the transports are given in their
 * constructors: every {@code ExecutionEvents} bean (such as the metrics), looked up at the first
 * event so that listeners may depend on what raises the events.
 */
final class ExecutionEventsListeners {

	private ExecutionEventsListeners() {
	}

	static ExecutionEvents of(ObjectProvider<ExecutionEvents> listeners) {
		return ExecutionEvents.of(() -> listeners.orderedStream().toList());
	}

}
