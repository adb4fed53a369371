package io.execution.async;

/**
 * The state table of executions: each change a store makes to a record, and the states it may be
 * made from. Every {@link ExecutionStore} obeys it — the memory store by asking it, the Redis
 * store in its Lua script ({@code executionstore-change.lua}), which a test holds to this table
 * state by state — so that a record moves the same way whichever store keeps it: created once,
 * forward only while it runs, never changed once finished except by a requeue that reopens it.
 */
public enum ExecutionChange {

	/** A new record, {@code PENDING} or {@code SCHEDULED}: only where there is none. */
	CREATE,

	/** It started ({@code RUNNING}), or started again on another worker. */
	RUNNING,

	/** Its method reported progress. */
	PROGRESS,

	/** It is kept at another instance's status URL. */
	LOCATED,

	/** An attempt failed and the next waits until it is due ({@code SCHEDULED}), the attempt kept. */
	RETRY,

	/** It ended in one of the final states. */
	FINISH,

	/** A finished execution is run again (its dead letter was requeued): {@code PENDING} afresh. */
	REOPEN;

	/**
	 * Whether this change may be made to a record in a state.
	 * @param current the record's state, or {@code null} when there is no record
	 * @return {@code true} when the change applies
	 */
	public boolean appliesTo(ExecutionStatus current) {
		return switch (this) {
			case CREATE -> current == null;
			case REOPEN -> current != null && current.isFinished();
			default -> current != null && !current.isFinished();
		};
	}

}
