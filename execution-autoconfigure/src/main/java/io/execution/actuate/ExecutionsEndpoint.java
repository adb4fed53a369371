package io.execution.actuate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.execution.ExecutionException;
import io.execution.async.DefaultExecutions;
import io.execution.async.ExecutionQuery;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * Actuator endpoint {@code executions}: the execution records within the retention, listed
 * newest first and filtered ({@code GET /actuator/executions?status=&service=&key=&since=&until=&offset=&limit=}),
 * one by id ({@code GET …/{id}}), and cancelled ({@code DELETE …/{id}}) under the management
 * port's security.
 */
@Endpoint(id = "executions")
public class ExecutionsEndpoint {

	private final DefaultExecutions executions;

	/**
	 * Makes the endpoint.
	 * @param executions the executions
	 */
	public ExecutionsEndpoint(DefaultExecutions executions) {
		this.executions = executions;
	}

	/**
	 * Lists records, newest first.
	 * @param status only this status (PENDING, RUNNING, …)
	 * @param service only this service
	 * @param key only the record of this idempotency key
	 * @param since only records created at or after this instant (ISO-8601)
	 * @param until only records created before this instant (ISO-8601)
	 * @param offset how many to skip (0)
	 * @param limit the most listed (50, at most 1000)
	 * @return the page
	 */
	@ReadOperation
	public Map<String, Object> list(@Nullable String status, @Nullable String service, @Nullable String key,
			@Nullable String since, @Nullable String until, @Nullable Integer offset, @Nullable Integer limit) {
		ExecutionQuery query = query(status, service, key, since, until, offset, limit);
		Map<String, Object> page = new LinkedHashMap<>();
		page.put("offset", query.offset());
		page.put("executions", this.executions.list(query).stream().map(ExecutionRecord::toJson).toList());
		return page;
	}

	/**
	 * Cancels every unfinished execution matching a query: {@code DELETE
	 * /actuator/executions?service=billing&status=SCHEDULED}.
	 * @param status only this status
	 * @param service only this service
	 * @param key only this idempotency key
	 * @param since only those created at or after this instant (ISO-8601)
	 * @param until only those created before this instant (ISO-8601)
	 * @return how many were cancelled
	 */
	@org.springframework.boot.actuate.endpoint.annotation.DeleteOperation
	public Map<String, Object> cancelAll(@Nullable String status, @Nullable String service, @Nullable String key,
			@Nullable String since, @Nullable String until) {
		return Map.of("cancelled", this.executions.cancelAll(query(status, service, key, since, until, 0, 1)));
	}

	private static ExecutionQuery query(@Nullable String status, @Nullable String service, @Nullable String key,
			@Nullable String since, @Nullable String until, @Nullable Integer offset, @Nullable Integer limit) {
		ExecutionQuery query;
		try {
			query = new ExecutionQuery(
					(status != null) ? ExecutionStatus.valueOf(status.toUpperCase(Locale.ROOT)) : null, service, key,
					(since != null) ? Instant.parse(since) : null, (until != null) ? Instant.parse(until) : null,
					(offset != null) ? offset : 0, (limit != null) ? limit : 50);
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEndpointRequestException("since and until are ISO-8601 instants, such as"
					+ " 2026-12-01T10:00:00Z: " + ex.getParsedString(), "bad instant");
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("status is one of " + java.util.Arrays.toString(ExecutionStatus.values())
					+ ", offset 0 or more and limit 1 to " + ExecutionQuery.MAX_LIMIT + ": " + ex.getMessage(), "bad query");
		}
		return query;
	}

	/**
	 * One record.
	 * @param id the execution id
	 * @return the record, or {@code null} (404) when unknown or expired
	 */
	@ReadOperation
	public Map<String, Object> one(@Selector String id) {
		return this.executions.lookup(id).map(ExecutionRecord::toJson).orElse(null);
	}

	/**
	 * Cancels an execution wherever it runs.
	 * @param id the execution id
	 * @return whether it was cancelled (false when unknown or finished)
	 */
	@DeleteOperation
	public Map<String, Object> cancel(@Selector String id) {
		try {
			return Map.of("id", id, "cancelled", this.executions.cancel(id));
		}
		catch (ExecutionException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "not cancelled");
		}
	}

}
