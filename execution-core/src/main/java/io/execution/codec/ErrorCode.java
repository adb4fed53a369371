package io.execution.codec;

import java.util.HashMap;
import java.util.Map;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.MayHaveRunException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;

/**
 * The stable error codes of wire format version 1, each with the HTTP status it is answered
 * with and the exception a Java caller gets. Codes never change meaning; new ones may be added.
 */
public enum ErrorCode {

	/** The body is not a valid envelope, or the arguments do not bind to the declared parameters. */
	MALFORMED_REQUEST("malformed-request", 400),

	/** The bearer token is missing or wrong. */
	UNAUTHORIZED("unauthorized", 401),

	/** No service of that name. */
	UNKNOWN_SERVICE("unknown-service", 404),

	/** The service has no method of that name taking that many arguments. */
	UNKNOWN_METHOD("unknown-method", 404),

	/** The body is larger than the payload limit. */
	PAYLOAD_TOO_LARGE("payload-too-large", 413),

	/** Refused before running: queue full, shutting down, cycle detected. */
	REJECTED("rejected", 503),

	/** The service method threw; {@code type} names the exception. */
	SERVICE_EXCEPTION("service-exception", 200),

	/** The deadline passed before the call finished, or before it started. */
	DEADLINE_EXCEEDED("deadline-exceeded", 504),

	/** The call was cancelled. */
	CANCELLED("cancelled", 409),

	/** No execution of that id (never started here, or its record expired). */
	UNKNOWN_EXECUTION("unknown-execution", 404),

	/** The execution cannot be cancelled: it finished already, or runs where this instance cannot reach. */
	NOT_CANCELLABLE("not-cancellable", 409),

	/** The service ran but its result could not be sent, or the server failed otherwise. */
	INTERNAL("internal-error", 500),

	/** Cancelling an invocation that is not running at the instance asked (finished, or unknown). */
	UNKNOWN_INVOCATION("unknown-invocation", 404),

	/** The call may have run on a worker that stopped before answering, and is not run again. */
	MAY_HAVE_RUN("may-have-run", 502),

	/** No dead letter of that id on that queue (requeued or deleted already). */
	UNKNOWN_DEAD_LETTER("unknown-dead-letter", 404),

	/**
	 * The dead letter's request cannot be read (no invocation id, no body, not an envelope): it
	 * cannot be requeued, only inspected and deleted.
	 */
	MALFORMED_DEAD_LETTER("malformed-dead-letter", 422),

	/** No route at that path (the routes are served under {@code {path}/v1}). */
	UNKNOWN_ROUTE("unknown-route", 404),

	/** The route at that path takes other methods (the {@code Allow} header names them). */
	METHOD_NOT_ALLOWED("method-not-allowed", 405);

	private static final Map<String, ErrorCode> BY_CODE = new HashMap<>();

	static {
		for (ErrorCode code : values()) {
			BY_CODE.put(code.code, code);
		}
	}

	private final String code;

	private final int httpStatus;

	ErrorCode(String code, int httpStatus) {
		this.code = code;
		this.httpStatus = httpStatus;
	}

	/**
	 * The code as written on the wire.
	 * @return for example {@code malformed-request}
	 */
	public String code() {
		return this.code;
	}

	/**
	 * The HTTP status this error is answered with.
	 * @return the status
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * Finds a code by its wire name.
	 * @param code the wire name
	 * @return the code, {@link #INTERNAL} for one this version does not know
	 */
	public static ErrorCode of(String code) {
		return BY_CODE.getOrDefault(code, INTERNAL);
	}

	/**
	 * The exception a Java caller sees for this error.
	 * @param type the remote exception type, for {@link #SERVICE_EXCEPTION}
	 * @param message the message
	 * @return the exception
	 */
	public ExecutionException toException(String type, String message) {
		return switch (this) {
			case SERVICE_EXCEPTION -> new RemoteExecutionException((type != null) ? type : "unknown", message);
			case UNKNOWN_SERVICE, UNKNOWN_METHOD -> new ServiceNotFoundException(message);
			case DEADLINE_EXCEEDED -> new ExecutionTimeoutException(message);
			case CANCELLED -> new ExecutionCancelledException(message);
			case MALFORMED_REQUEST, UNAUTHORIZED, PAYLOAD_TOO_LARGE, REJECTED -> new ExecutionRejectedException(message);
			case MAY_HAVE_RUN -> new MayHaveRunException(message);
			case INTERNAL, UNKNOWN_EXECUTION, UNKNOWN_INVOCATION, NOT_CANCELLABLE, UNKNOWN_DEAD_LETTER,
					MALFORMED_DEAD_LETTER, UNKNOWN_ROUTE, METHOD_NOT_ALLOWED ->
				new ExecutionException(message);
		};
	}

}
