package io.execution.async;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.ExecutionException;
import io.execution.codec.ErrorCode;
import tools.jackson.databind.JsonNode;

/**
 * What is known of an execution: what it calls, where it is in its life, who runs it, what it
 * reported, and how it ended. Times are the wall clocks of the processes that wrote them.
 *
 * @param id the execution id
 * @param service the service called
 * @param method the method called
 * @param arity the method's number of arguments
 * @param endpoint the endpoint it was started on
 * @param mode the endpoint's mode ({@code local}, {@code queue}, {@code http})
 * @param status the status
 * @param createdAt when it was started
 * @param startedAt when it started running, or {@code null}
 * @param finishedAt when it finished, or {@code null}
 * @param worker the worker or instance that runs or ran it, or {@code null}
 * @param progress the last fraction reported (0 to 1), or {@code null}
 * @param message the last progress message reported, or {@code null}
 * @param estimatedCompletion when it should finish at the pace reported so far, or {@code null}
 * @param location the status URL of the instance that keeps it, for one started over http
 * @param result the result as JSON, once {@code SUCCEEDED}
 * @param error the error, once {@code FAILED}, {@code CANCELLED} or {@code TIMED_OUT}
 * @param version how many times the record changed: a status request may wait for it to move past
 * the version the caller knows
 * @param key the idempotency key it was started with, or {@code null}
 * @param attempts the attempts that failed and were retried ({@code retry-failed}), oldest first
 */
public record ExecutionRecord(String id, String service, String method, int arity, String endpoint, String mode,
		ExecutionStatus status, Instant createdAt, Instant startedAt, Instant finishedAt, String worker, Double progress,
		String message, Instant estimatedCompletion, String location, JsonNode result, Error error, long version,
		String key, List<Attempt> attempts) {

	/**
	 * Keeps the attempts unmodifiable, none for {@code null}.
	 */
	public ExecutionRecord {
		attempts = (attempts != null) ? List.copyOf(attempts) : List.of();
	}

	/**
	 * A new execution.
	 * @param id the id
	 * @param service the service
	 * @param method the method
	 * @param arity its number of arguments
	 * @param endpoint the endpoint
	 * @param mode its mode
	 * @param now the time
	 * @return the record, {@code PENDING}
	 */
	public static ExecutionRecord pending(String id, String service, String method, int arity, String endpoint,
			String mode, Instant now) {
		return new ExecutionRecord(id, service, method, arity, endpoint, mode, ExecutionStatus.PENDING, now, null, null,
				null, null, null, null, null, null, null, 1, null, List.of());
	}

	/**
	 * The same record, scheduled: it waits until it is due.
	 * @return the record
	 */
	public ExecutionRecord scheduled() {
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				ExecutionStatus.SCHEDULED, this.createdAt, this.startedAt, this.finishedAt, this.worker, this.progress,
				this.message, this.estimatedCompletion, this.location, this.result, this.error, this.version, this.key, this.attempts);
	}

	/**
	 * The same record, carrying the idempotency key it was started with.
	 * @param key the key, or {@code null}
	 * @return the record
	 */
	public ExecutionRecord withKey(String key) {
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				this.status, this.createdAt, this.startedAt, this.finishedAt, this.worker, this.progress, this.message,
				this.estimatedCompletion, this.location, this.result, this.error, this.version, key, this.attempts);
	}

	/**
	 * The record of an execution run again (a dead letter requeued): pending, as new, with its id,
	 * key and creation time.
	 * @return the record
	 */
	public ExecutionRecord reopened() {
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				ExecutionStatus.PENDING, this.createdAt, null, null, null, null, null, null, this.location, null, null,
				this.version + 1, this.key, this.attempts);
	}

	/**
	 * The same execution, started.
	 * @param by who runs it
	 * @param at when it started
	 * @return the record
	 */
	public ExecutionRecord running(String by, Instant at) {
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				ExecutionStatus.RUNNING, this.createdAt, (this.startedAt != null) ? this.startedAt : at, null,
				(by != null) ? by : this.worker, this.progress, this.message, this.estimatedCompletion, this.location,
				null, null, this.version + 1, this.key, this.attempts);
	}

	/**
	 * The same execution, with reported progress.
	 * @param fraction the fraction done, {@code NaN} when unknown
	 * @param text the message, or {@code null}
	 * @param at when it was reported
	 * @return the record
	 */
	public ExecutionRecord reported(double fraction, String text, Instant at) {
		return reported(fraction, text, at, null);
	}

	/**
	 * The same execution, with reported progress, estimated from the pace since the previous
	 * report when there was one (a job's first steps, slower while the JIT warms up, do not skew
	 * the estimate for good), else from the pace since it started.
	 * @param fraction the fraction done, {@code NaN} when unknown
	 * @param text the message, or {@code null}
	 * @param at when it was reported
	 * @param previous when the previous fraction was reported, or {@code null}
	 * @return the record
	 */
	public ExecutionRecord reported(double fraction, String text, Instant at, Instant previous) {
		Double done = Double.isNaN(fraction) ? this.progress : Double.valueOf(fraction);
		Instant eta = Double.isNaN(fraction) ? this.estimatedCompletion : estimate(done, at, previous);
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				this.status, this.createdAt, this.startedAt, this.finishedAt, this.worker, done,
				(text != null) ? text : this.message, eta, this.location, this.result, this.error, this.version + 1, this.key, this.attempts);
	}

	/**
	 * The same execution, kept at a status URL.
	 * @param url the URL
	 * @return the record
	 */
	public ExecutionRecord at(String url) {
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				this.status, this.createdAt, this.startedAt, this.finishedAt, this.worker, this.progress, this.message,
				this.estimatedCompletion, url, this.result, this.error, this.version + 1, this.key, this.attempts);
	}

	/**
	 * The same execution, finished.
	 * @param outcome its final status
	 * @param value the result, when it succeeded
	 * @param failure the error, when it did not
	 * @param at when it finished
	 * @return the record
	 */
	public ExecutionRecord finished(ExecutionStatus outcome, JsonNode value, Error failure, Instant at) {
		boolean succeeded = outcome == ExecutionStatus.SUCCEEDED;
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode, outcome,
				this.createdAt, this.startedAt, at, this.worker, succeeded ? Double.valueOf(1) : this.progress,
				this.message, succeeded ? at : this.estimatedCompletion, this.location, value, failure, this.version + 1, this.key, this.attempts);
	}

	private Instant estimate(Double done, Instant now, Instant previous) {
		if (done != null && previous != null && this.progress != null && done > this.progress && done < 1
				&& now.isAfter(previous)) {
			double perFraction = Duration.between(previous, now).toMillis() / (done - this.progress);
			return now.plusMillis(Math.round(perFraction * (1 - done)));
		}
		Instant from = (this.startedAt != null) ? this.startedAt : this.createdAt;
		if (done == null || done <= 0 || from == null) {
			return null;
		}
		long elapsed = Duration.between(from, now).toMillis();
		return from.plusMillis(Math.round(elapsed / Math.min(1.0, done)));
	}

	/**
	 * The error this record ends with, as the exception a caller gets.
	 * @return the exception, or {@code null} when it has none
	 */
	public ExecutionException exception() {
		if (this.error == null) {
			return null;
		}
		return ErrorCode.of(this.error.code()).toException(this.error.type(),
				"Execution " + this.id + " (" + this.service + "." + this.method + ") " + this.status.name()
						.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + this.error.message());
	}

	/**
	 * This record as the JSON object the HTTP routes answer with; {@code null} fields are left
	 * out.
	 * @return the fields, in a stable order
	 */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		put(json, "id", this.id);
		put(json, "status", this.status.name());
		put(json, "service", this.service);
		put(json, "method", this.method);
		json.put("arity", this.arity);
		put(json, "endpoint", this.endpoint);
		put(json, "mode", this.mode);
		put(json, "createdAt", this.createdAt);
		put(json, "startedAt", this.startedAt);
		put(json, "finishedAt", this.finishedAt);
		put(json, "worker", this.worker);
		if (this.progress != null || this.message != null) {
			Map<String, Object> progress = new LinkedHashMap<>();
			put(progress, "fraction", this.progress);
			put(progress, "message", this.message);
			json.put("progress", progress);
		}
		put(json, "estimatedCompletion", this.estimatedCompletion);
		put(json, "location", this.location);
		put(json, "key", this.key);
		json.put("version", this.version);
		if (!this.attempts.isEmpty()) {
			json.put("attempts", this.attempts.stream().map(Attempt::toJson).toList());
		}
		if (this.status == ExecutionStatus.SUCCEEDED) {
			json.put("result", this.result);
		}
		if (this.error != null) {
			json.put("error", this.error.toJson());
		}
		return json;
	}

	/**
	 * Reads a record from the JSON the HTTP routes answer with.
	 * @param json the object
	 * @return the record
	 * @throws IllegalArgumentException when it is not a record
	 */
	public static ExecutionRecord fromJson(JsonNode json) {
		if (json == null || !json.isObject() || !json.path("id").isString() || !json.path("status").isString()) {
			throw new IllegalArgumentException("Not an execution record: " + json);
		}
		JsonNode progress = json.path("progress");
		JsonNode error = json.path("error");
		JsonNode result = json.get("result");
		return new ExecutionRecord(text(json, "id"), text(json, "service"), text(json, "method"),
				json.path("arity").asInt(0), text(json, "endpoint"), text(json, "mode"),
				ExecutionStatus.valueOf(text(json, "status")), instant(json, "createdAt"), instant(json, "startedAt"),
				instant(json, "finishedAt"), text(json, "worker"),
				progress.path("fraction").isNumber() ? progress.path("fraction").doubleValue() : null,
				text(progress, "message"), instant(json, "estimatedCompletion"), text(json, "location"), result,
				Error.fromJson(error),
				json.path("version").asLong(0), text(json, "key"), attempts(json.path("attempts")));
	}

	private static List<Attempt> attempts(JsonNode json) {
		List<Attempt> attempts = new java.util.ArrayList<>();
		if (json.isArray()) {
			for (JsonNode attempt : json) {
				attempts.add(Attempt.fromJson(attempt));
			}
		}
		return attempts;
	}

	/**
	 * The same record after an attempt failed and the next is scheduled: {@code SCHEDULED}, the
	 * attempt kept in {@link #attempts()}.
	 * @param attempt the attempt that failed
	 * @return the record
	 */
	public ExecutionRecord retrying(Attempt attempt) {
		List<Attempt> all = new java.util.ArrayList<>(this.attempts);
		all.add(attempt);
		return new ExecutionRecord(this.id, this.service, this.method, this.arity, this.endpoint, this.mode,
				ExecutionStatus.SCHEDULED, this.createdAt, this.startedAt, this.finishedAt, this.worker, this.progress,
				this.message, this.estimatedCompletion, this.location, this.result, this.error, this.version + 1,
				this.key, all);
	}

	/**
	 * One attempt of an execution that failed and was run again.
	 *
	 * @param attempt its number, counting from 1
	 * @param startedAt when it started, or {@code null}
	 * @param finishedAt when it failed
	 * @param worker the worker that ran it
	 * @param error how it failed
	 * @param nextAttemptAt when the next attempt is due
	 */
	public record Attempt(int attempt, Instant startedAt, Instant finishedAt, String worker, Error error,
			Instant nextAttemptAt) {

		/**
		 * Reads an attempt from its JSON.
		 * @param json the object {@link #toJson()} wrote
		 * @return the attempt
		 */
		public static Attempt fromJson(JsonNode json) {
			return new Attempt(json.path("attempt").asInt(0), instant(json, "startedAt"), instant(json, "finishedAt"),
					text(json, "worker"), Error.fromJson(json.path("error")), instant(json, "nextAttemptAt"));
		}

		/**
		 * The attempt as JSON, {@code null} fields left out.
		 * @return the fields
		 */
		public Map<String, Object> toJson() {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("attempt", this.attempt);
			put(json, "startedAt", this.startedAt);
			put(json, "finishedAt", this.finishedAt);
			put(json, "worker", this.worker);
			if (this.error != null) {
				json.put("error", this.error.toJson());
			}
			put(json, "nextAttemptAt", this.nextAttemptAt);
			return json;
		}

	}

	private static void put(Map<String, Object> json, String name, Object value) {
		if (value != null) {
			json.put(name, (value instanceof Instant instant) ? instant.toString() : value);
		}
	}

	private static String text(JsonNode json, String name) {
		JsonNode value = json.get(name);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	private static Instant instant(JsonNode json, String name) {
		String value = text(json, name);
		return (value != null) ? Instant.parse(value) : null;
	}

	/**
	 * How an execution failed.
	 *
	 * @param code the wire error code ({@code service-exception}, {@code deadline-exceeded}, ...)
	 * @param type the type name of the exception the service threw, or {@code null}
	 * @param message what went wrong
	 */
	public record Error(String code, String type, String message) {

		/**
		 * The error as JSON, {@code null} fields left out.
		 * @return the fields
		 */
		public Map<String, Object> toJson() {
			Map<String, Object> json = new LinkedHashMap<>();
			put(json, "code", this.code);
			put(json, "type", this.type);
			put(json, "message", this.message);
			return json;
		}

		/**
		 * Reads an error from its JSON.
		 * @param json the object, or a missing node
		 * @return the error, or {@code null} when it is not an object
		 */
		public static Error fromJson(JsonNode json) {
			return json.isObject() ? new Error(text(json, "code"), text(json, "type"), text(json, "message")) : null;
		}

	}

}
