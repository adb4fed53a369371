package io.execution.async;

import java.time.Instant;

/**
 * Which execution records to list, newest first: every criterion that is set must match.
 *
 * @param status only records in this status, or {@code null} for any
 * @param service only records of this service, or {@code null} for any
 * @param key only the record started with this idempotency key, or {@code null} for any
 * @param since only records created at or after this instant, or {@code null}
 * @param until only records created before this instant, or {@code null}
 * @param offset how many matching records to skip (paging)
 * @param limit the most records returned, 1 to {@value #MAX_LIMIT}
 */
public record ExecutionQuery(ExecutionStatus status, String service, String key, Instant since, Instant until,
		int offset, int limit) {

	/** The most records one query returns. */
	public static final int MAX_LIMIT = 1000;

	/**
	 * Checks the paging.
	 */
	public ExecutionQuery {
		if (offset < 0) {
			throw new IllegalArgumentException("offset must not be negative, was " + offset);
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
		}
	}

	/**
	 * The newest records, any status.
	 * @param limit the most returned
	 * @return the query
	 */
	public static ExecutionQuery newest(int limit) {
		return new ExecutionQuery(null, null, null, null, null, 0, limit);
	}

	/**
	 * Whether a record matches.
	 * @param record the record
	 * @return whether every criterion set matches it
	 */
	public boolean matches(ExecutionRecord record) {
		return (this.status == null || this.status == record.status())
				&& (this.service == null || this.service.equals(record.service()))
				&& (this.key == null || this.key.equals(record.key()))
				&& (this.since == null || (record.createdAt() != null && !record.createdAt().isBefore(this.since)))
				&& (this.until == null || (record.createdAt() != null && record.createdAt().isBefore(this.until)));
	}

	/**
	 * The same query for another status.
	 * @param status the status
	 * @return the query
	 */
	public ExecutionQuery withStatus(ExecutionStatus status) {
		return new ExecutionQuery(status, this.service, this.key, this.since, this.until, this.offset, this.limit);
	}

	/**
	 * The same query for another service.
	 * @param service the service
	 * @return the query
	 */
	public ExecutionQuery withService(String service) {
		return new ExecutionQuery(this.status, service, this.key, this.since, this.until, this.offset, this.limit);
	}

	/**
	 * The same query for another page.
	 * @param offset the records to skip
	 * @param limit the most returned
	 * @return the query
	 */
	public ExecutionQuery page(int offset, int limit) {
		return new ExecutionQuery(this.status, this.service, this.key, this.since, this.until, offset, limit);
	}

}
