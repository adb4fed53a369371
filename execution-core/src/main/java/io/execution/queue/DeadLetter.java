package io.execution.queue;

import java.time.Instant;

/**
 * A request a queue gave up on, kept for an operator: its worker stopped before answering and it
 * is not run again (not idempotent, or taken over too often), it was interrupted by its pool's
 * shutdown, or it could not be read.
 *
 * @param queue the queue
 * @param id the dead letter's id within the queue
 * @param invocationId the invocation id of the call (an execution's id), kept when requeued
 * @param service the service called, when the request can be read
 * @param method the method called, when the request can be read
 * @param execution whether the call is an execution (its record is reopened when requeued)
 * @param cause why the queue gave up on it
 * @param attempts how many times a worker took it
 * @param at when it became a dead letter
 * @param request the request envelope as it was queued
 */
public record DeadLetter(String queue, String id, String invocationId, String service, String method,
		boolean execution, String cause, int attempts, Instant at, String request) {

	/**
	 * The same dead letter, with what its request says.
	 * @param service the service
	 * @param method the method
	 * @param execution whether it is an execution
	 * @return the dead letter
	 */
	public DeadLetter describing(String service, String method, boolean execution) {
		return new DeadLetter(this.queue, this.id, this.invocationId, service, method, execution, this.cause,
				this.attempts, this.at, this.request);
	}

	/**
	 * The dead letter as the HTTP routes and the Actuator endpoint show it.
	 * @return its fields by name
	 */
	public java.util.Map<String, Object> describe() {
		java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("id", this.id);
		body.put("queue", this.queue);
		body.put("invocationId", this.invocationId);
		body.put("service", this.service);
		body.put("method", this.method);
		body.put("execution", this.execution);
		body.put("cause", this.cause);
		body.put("attempts", this.attempts);
		body.put("at", (this.at != null) ? this.at.toString() : null);
		body.put("request", this.request);
		return body;
	}

}
