package io.execution.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.core.RetryPolicy;
import tools.jackson.databind.JsonNode;

/**
 * The {@code retry} field of a request envelope: the call's retry policy and its place in it.
 * {@code {"attempt":2,"maxAttempts":5,"initialMs":1000,"multiplier":2.0,"maxMs":300000,
 * "jitter":0.2,"neverFor":["java.lang.IllegalArgumentException"],"attemptMs":30000,"deadLetter":true}}. Read as
 * anything fed from outside: a value out of range is a malformed envelope, and the exception
 * names are compared as text, never loaded.
 */
final class RetryWire {

	/** The most exception names a policy carries. */
	static final int MOST_NAMES = 32;

	private RetryWire() {
	}

	static Map<String, Object> write(RetryPolicy.Retries retries) {
		RetryPolicy policy = retries.policy();
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("attempt", retries.attempt());
		json.put("maxAttempts", policy.maxAttempts());
		json.put("initialMs", policy.initialIntervalMillis());
		json.put("multiplier", policy.multiplier());
		json.put("maxMs", policy.maxIntervalMillis());
		json.put("jitter", policy.jitter());
		if (!policy.neverFor().isEmpty()) {
			json.put("neverFor", policy.neverFor());
		}
		if (retries.attemptMillis() > 0) {
			json.put("attemptMs", retries.attemptMillis());
		}
		if (policy.deadLetter()) {
			json.put("deadLetter", true);
		}
		return json;
	}

	static RetryPolicy.Retries read(JsonNode json) {
		if (json == null || json.isNull()) {
			return null;
		}
		if (!json.isObject()) {
			throw new MalformedEnvelopeException("'retry' must be an object such as {\"attempt\":1,\"maxAttempts\":3,"
					+ "\"initialMs\":1000,\"multiplier\":2.0,\"maxMs\":60000,\"jitter\":0.2}");
		}
		int attempt = whole(json, "attempt", 1);
		int maxAttempts = whole(json, "maxAttempts", 0);
		long initial = millis(json, "initialMs");
		long max = millis(json, "maxMs");
		double multiplier = number(json, "multiplier", 1);
		double jitter = number(json, "jitter", 0);
		long attemptMs = millis(json.has("attemptMs") ? json : null, "attemptMs");
		String wrong = RetryPolicy.problem(maxAttempts, initial, multiplier, max, jitter);
		if (wrong != null) {
			throw new MalformedEnvelopeException("'retry': " + wrong);
		}
		if (attempt < 1 || attempt > maxAttempts) {
			throw new MalformedEnvelopeException("'retry': attempt must be from 1 to maxAttempts (" + maxAttempts
					+ "), was " + attempt);
		}
		List<String> never = new ArrayList<>();
		JsonNode names = json.get("neverFor");
		if (names != null && !names.isNull()) {
			if (!names.isArray() || names.size() > MOST_NAMES) {
				throw new MalformedEnvelopeException("'retry.neverFor' must be an array of at most " + MOST_NAMES
						+ " exception type names");
			}
			for (JsonNode name : names) {
				if (!name.isString() || !typeName(name.stringValue())) {
					throw new MalformedEnvelopeException("'retry.neverFor' holds " + name
							+ ", which is not an exception type name such as java.lang.IllegalStateException");
				}
				never.add(name.stringValue());
			}
		}
		return new RetryPolicy.Retries(new RetryPolicy(maxAttempts, initial, multiplier, max, jitter, never, false,
				json.path("deadLetter").asBoolean(false)),
				attempt, attemptMs);
	}

	private static boolean typeName(String name) {
		if (name.isEmpty() || name.length() > 200) {
			return false;
		}
		for (String part : name.split("[.$]", -1)) {
			if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))
					|| !part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
				return false;
			}
		}
		return true;
	}

	private static int whole(JsonNode json, String name, int otherwise) {
		JsonNode value = json.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw new MalformedEnvelopeException("'retry." + name + "' must be a whole number");
		}
		return value.intValue();
	}

	private static long millis(JsonNode json, String name) {
		JsonNode value = (json != null) ? json.get(name) : null;
		if (value == null || value.isNull()) {
			return 0;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
			throw new MalformedEnvelopeException("'retry." + name + "' must be a whole number of milliseconds, 0 or more");
		}
		return value.longValue();
	}

	private static double number(JsonNode json, String name, double otherwise) {
		JsonNode value = json.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isNumber()) {
			throw new MalformedEnvelopeException("'retry." + name + "' must be a number");
		}
		return value.doubleValue();
	}

}
