package io.execution.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.ExecutionRejectedException;
import io.execution.codec.ErrorCode;
import io.execution.http.server.Answer;
import io.execution.http.server.InvocationHttpHandler;
import io.execution.http.server.RouteRequest;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetters;

/**
 * The dead-letter routes under the starter's path, behind the routes' bearer token:
 * {@code GET {path}/v1/dead-letters/{queue}?offset=&limit=}, {@code GET …/{queue}/{id}},
 * {@code POST …/{queue}/{id}/requeue?timeoutMs=}, {@code DELETE …/{queue}/{id}} and
 * {@code DELETE …/{queue}} (all of the queue's).
 */
final class DeadLetterRoutes {

	private final InvocationHttpHandler http;

	private final DeadLetters deadLetters;

	DeadLetterRoutes(InvocationHttpHandler http, DeadLetters deadLetters) {
		this.http = http;
		this.deadLetters = deadLetters;
	}

	Answer list(RouteRequest request) {
		if (!this.http.authorized(request.servletRequest())) {
			return this.http.unauthorized();
		}
		int offset;
		int limit;
		try {
			offset = Integer.parseInt(request.param("offset").orElse("0"));
			limit = Integer.parseInt(request.param("limit").orElse("100"));
			String queue = request.pathVariable("queue");
			List<Map<String, Object>> letters = this.deadLetters.list(queue, offset, limit)
				.stream()
				.map(DeadLetter::describe)
				.toList();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("queue", queue);
			body.put("count", this.deadLetters.count(queue));
			body.put("offset", offset);
			body.put("deadLetters", letters);
			return this.http.json(200, body);
		}
		catch (IllegalArgumentException ex) {
			return this.http.error(ErrorCode.MALFORMED_REQUEST, null,
					"offset and limit are whole numbers, limit 1 to " + DeadLetters.MAX_LIMIT + ": " + ex.getMessage());
		}
	}

	Answer one(RouteRequest request) {
		if (!this.http.authorized(request.servletRequest())) {
			return this.http.unauthorized();
		}
		String queue = request.pathVariable("queue");
		String id = request.pathVariable("id");
		return this.deadLetters.find(queue, id)
			.map((letter) -> this.http.json(200, letter.describe()))
			.orElseGet(() -> unknown(queue, id));
	}

	Answer requeue(RouteRequest request) {
		if (!this.http.authorized(request.servletRequest())) {
			return this.http.unauthorized();
		}
		String queue = request.pathVariable("queue");
		String id = request.pathVariable("id");
		Duration timeout;
		try {
			timeout = request.param("timeoutMs").map(Long::parseLong).map(Duration::ofMillis).orElse(null);
		}
		catch (NumberFormatException ex) {
			return this.http.error(ErrorCode.MALFORMED_REQUEST, null, "timeoutMs is a whole number of milliseconds");
		}
		if (this.deadLetters.find(queue, id).isEmpty()) {
			return unknown(queue, id);
		}
		try {
			DeadLetter letter = this.deadLetters.requeue(queue, id, timeout);
			return this.http.json(202, Map.of("requeued", id, "queue", queue, "invocationId",
					String.valueOf(letter.invocationId())));
		}
		catch (DeadLetters.UnreadableRequestException ex) {
			return this.http.error(ErrorCode.MALFORMED_DEAD_LETTER, null, ex.getMessage());
		}
		catch (ExecutionRejectedException ex) {
			return this.http.error(ErrorCode.REJECTED, null, ex.getMessage());
		}
	}

	Answer delete(RouteRequest request) {
		if (!this.http.authorized(request.servletRequest())) {
			return this.http.unauthorized();
		}
		String queue = request.pathVariable("queue");
		String id = request.pathVariable("id");
		return this.deadLetters.delete(queue, id) ? Answer.empty(204) : unknown(queue, id);
	}

	Answer purge(RouteRequest request) {
		if (!this.http.authorized(request.servletRequest())) {
			return this.http.unauthorized();
		}
		String queue = request.pathVariable("queue");
		return this.http.json(200, Map.of("queue", queue, "purged", this.deadLetters.purge(queue)));
	}

	private Answer unknown(String queue, String id) {
		return this.http.error(ErrorCode.UNKNOWN_DEAD_LETTER, null,
				"Queue '" + queue + "' has no dead letter " + id + " (requeued or deleted already?)");
	}

}
