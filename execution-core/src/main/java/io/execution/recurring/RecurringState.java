package io.execution.recurring;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.async.ExecutionRecord;

/**
 * What is known of a recurring call now.
 *
 * @param name its name
 * @param recurrence when it is due, as written
 * @param service the service it calls
 * @param method the method it calls
 * @param missed its policy for missed ticks
 * @param overlap its policy for overlapping ticks
 * @param paused whether it is paused (in every instance)
 * @param nextDueAt its next due time, or {@code null} when it never comes again
 * @param ticks its recent ticks, newest first
 */
public record RecurringState(String name, String recurrence, String service, String method,
		RecurringCall.Missed missed, RecurringCall.Overlap overlap, boolean paused, Instant nextDueAt, List<Tick> ticks) {

	/**
	 * One tick: its due time and its execution, when it is still known.
	 *
	 * @param dueAt when it was due
	 * @param execution its execution's record, or {@code null} when it has expired or was
	 * skipped
	 */
	public record Tick(Instant dueAt, ExecutionRecord execution) {
	}

	/**
	 * This state as JSON for Actuator and the console; {@code null} fields left out.
	 * @return the fields
	 */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("name", this.name);
		json.put("recurrence", this.recurrence);
		json.put("service", this.service);
		json.put("method", this.method);
		json.put("missed", this.missed.name());
		json.put("overlap", this.overlap.name());
		json.put("paused", this.paused);
		if (this.nextDueAt != null) {
			json.put("nextDueAt", this.nextDueAt.toString());
		}
		json.put("ticks", this.ticks.stream().map((tick) -> {
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("dueAt", tick.dueAt().toString());
			if (tick.execution() != null) {
				ExecutionRecord record = tick.execution();
				one.put("execution", record.id());
				one.put("status", record.status().name());
				if (record.finishedAt() != null) {
					one.put("finishedAt", record.finishedAt().toString());
				}
				if (record.error() != null) {
					one.put("error", record.error().message());
				}
			}
			return one;
		}).toList());
		return json;
	}

}
