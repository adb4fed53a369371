package io.execution.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.execution.ExecutionRejectedException;
import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetters;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code deadletters}: the queues' dead letters, to inspect, requeue and
 * delete under the management port's security. {@code GET /actuator/deadletters} counts them by
 * queue; {@code GET …/{queue}?offset=&limit=} lists a queue's, newest first;
 * {@code GET …/{queue}/{id}} shows one with its cause, attempts and request;
 * {@code POST …/{queue}/{id}} (optional {@code timeoutMs}) puts it back on its queue, keeping its
 * invocation id and reopening its execution; {@code DELETE …/{queue}/{id}} deletes one and
 * {@code DELETE …/{queue}} all of a queue's.
 */
@Endpoint(id = "deadletters")
public class DeadLettersEndpoint {

	private final DeadLetters deadLetters;

	private final ExecutionReport report;

	/**
	 * Makes the endpoint.
	 * @param deadLetters the dead letters
	 * @param report names the queues this application knows
	 */
	public DeadLettersEndpoint(DeadLetters deadLetters, ExecutionReport report) {
		this.deadLetters = deadLetters;
		this.report = report;
	}

	/**
	 * How many dead letters each queue this application sends to or serves holds.
	 * @return counts by queue
	 */
	@ReadOperation
	public Map<String, Object> counts() {
		Map<String, Object> counts = new LinkedHashMap<>();
		for (String queue : this.report.queueNames()) {
			counts.put(queue, this.deadLetters.count(queue));
		}
		return Map.of("queues", counts);
	}

	/**
	 * A queue's dead letters, newest first.
	 * @param queue the queue
	 * @param offset how many to skip (0)
	 * @param limit the most listed (100)
	 * @return the page
	 */
	@ReadOperation
	public Map<String, Object> list(@Selector String queue, @Nullable Integer offset, @Nullable Integer limit) {
		int from = (offset != null) ? offset : 0;
		int most = (limit != null) ? limit : 100;
		try {
			Map<String, Object> page = new LinkedHashMap<>();
			page.put("queue", queue);
			page.put("count", this.deadLetters.count(queue));
			page.put("offset", from);
			page.put("deadLetters", this.deadLetters.list(queue, from, most).stream().map(DeadLetter::describe).toList());
			return page;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "bad paging");
		}
	}

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return it, or {@code null} (404)
	 */
	@ReadOperation
	public Map<String, Object> one(@Selector String queue, @Selector String id) {
		return this.deadLetters.find(queue, id).map(DeadLetter::describe).orElse(null);
	}

	/**
	 * Puts a dead letter back on its queue with a fresh deadline.
	 * @param queue the queue
	 * @param id its id
	 * @param timeoutMs the time it has to run, in milliseconds (execution.default-timeout)
	 * @return what was requeued
	 */
	@WriteOperation
	public Map<String, Object> requeue(@Selector String queue, @Selector String id, @Nullable Long timeoutMs) {
		try {
			DeadLetter letter = this.deadLetters.requeue(queue, id,
					(timeoutMs != null) ? Duration.ofMillis(timeoutMs) : null);
			return Map.of("requeued", id, "queue", queue, "invocationId", String.valueOf(letter.invocationId()));
		}
		catch (ExecutionRejectedException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "not requeued");
		}
	}

	/**
	 * Deletes one dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return whether it was there
	 */
	@DeleteOperation
	public Map<String, Object> delete(@Selector String queue, @Selector String id) {
		return Map.of("queue", queue, "deleted", this.deadLetters.delete(queue, id));
	}

	/**
	 * Deletes a queue's dead letters: all of them, or with a filter those matching it.
	 * @param queue the queue
	 * @param service only letters of this service
	 * @param method only letters of this method
	 * @param cause only letters whose cause contains this text
	 * @return how many were deleted
	 */
	@DeleteOperation
	public Map<String, Object> purge(@Selector String queue, @Nullable String service, @Nullable String method,
			@Nullable String cause) {
		if (service == null && method == null && cause == null) {
			return Map.of("queue", queue, "purged", this.deadLetters.purge(queue));
		}
		return Map.of("queue", queue, "purged", this.deadLetters.deleteAll(queue, filter(service, method, cause)));
	}

	/**
	 * Requeues every dead letter of a queue matching a filter (none: all of them):
	 * {@code POST /actuator/deadletters/{queue}?service=billing}.
	 * @param queue the queue
	 * @param service only letters of this service
	 * @param method only letters of this method
	 * @param cause only letters whose cause contains this text
	 * @return how many were requeued
	 */
	@WriteOperation
	public Map<String, Object> requeueAll(@Selector String queue, @Nullable String service, @Nullable String method,
			@Nullable String cause) {
		return Map.of("queue", queue, "requeued", this.deadLetters.requeueAll(queue, filter(service, method, cause)));
	}

	private static java.util.function.Predicate<io.execution.queue.DeadLetter> filter(@Nullable String service,
			@Nullable String method, @Nullable String cause) {
		return (letter) -> (service == null || service.equals(letter.service()))
				&& (method == null || method.equals(letter.method()))
				&& (cause == null || (letter.cause() != null && letter.cause().contains(cause)));
	}

}
