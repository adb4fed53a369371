package io.execution.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.execution.recurring.RecurringCalls;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * Pauses, resumes or triggers a recurring call for an operator: the one switch behind the
 * Actuator endpoint's {@code POST /actuator/execution/recurring/{name}/{action}} and the
 * console's recurring view.
 */
final class RecurringActions {

	private RecurringActions() {
	}

	/**
	 * Applies an action to a recurring call.
	 * @param recurring the recurring calls, or {@code null} when the application has none
	 * @param name the call's name
	 * @param action {@code pause}, {@code resume} or {@code trigger}
	 * @return the call's state after the change, and under {@code triggered} the id of the
	 * execution a trigger started
	 * @throws InvalidEndpointRequestException for an unknown call or action (a 400)
	 */
	static Map<String, Object> apply(RecurringCalls recurring, String name, String action) {
		if (recurring == null || recurring.find(name).isEmpty()) {
			throw new InvalidEndpointRequestException("No recurring call is named '" + name + "' here",
					"unknown recurring call");
		}
		String started = null;
		switch (action) {
			case "pause" -> recurring.pause(name);
			case "resume" -> recurring.resume(name);
			case "trigger" -> started = recurring.trigger(name).id();
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "': pause, resume or trigger", "unknown action");
		}
		Map<String, Object> state = new LinkedHashMap<>(recurring.find(name).orElseThrow().toJson());
		if (started != null) {
			state.put("triggered", started);
		}
		return state;
	}

}
