package io.execution.async;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Keeps the records of executions by id for {@link #retention()} after their last change: in
 * this JVM ({@link MemoryExecutionStore}) or in Redis, where every instance sees them and they
 * outlive the process that started them. Every change but {@link #create} applies only to a
 * record that exists and has not finished, so the first final state written wins and a record
 * never moves backwards.
 */
public interface ExecutionStore {

	/**
	 * Where records are kept, for operators.
	 * @return for example {@code memory}
	 */
	String name();

	/**
	 * How long a record lives after its last change.
	 * @return the retention
	 */
	Duration retention();

	/**
	 * Adds a new record.
	 * @param record the record
	 * @return {@code false} when a record with that id exists already (it is left as it is)
	 */
	boolean create(ExecutionRecord record);

	/**
	 * Reads a record.
	 * @param id the id
	 * @return the record, or empty when unknown or expired
	 */
	Optional<ExecutionRecord> find(String id);

	/**
	 * The execution started running.
	 * @param id the id
	 * @param worker who runs it
	 * @param at when
	 */
	void running(String id, String worker, Instant at);

	/**
	 * The execution reported progress.
	 * @param id the id
	 * @param fraction how much is done (0 to 1), {@code NaN} when unknown
	 * @param message what it does, or {@code null}
	 * @param at when
	 */
	void progress(String id, double fraction, String message, Instant at);

	/**
	 * The execution is kept by another instance, at this status URL.
	 * @param id the id
	 * @param location the URL
	 */
	void located(String id, String location);

	/**
	 * Records that an attempt failed and that the next one waits until it is due: the record is
	 * {@code SCHEDULED} again and keeps the attempt ({@link ExecutionChange#RETRY}).
	 * @param id the execution id
	 * @param attempt the attempt that failed
	 */
	void retrying(String id, ExecutionRecord.Attempt attempt);

	/**
	 * The execution finished, unless it finished already.
	 * @param id the id
	 * @param status the final status
	 * @param result the result, when it succeeded
	 * @param error the error, when it did not
	 * @param at when
	 * @return {@code true} when this write finished it
	 */
	boolean finish(String id, ExecutionStatus status, JsonNode result, ExecutionRecord.Error error, Instant at);

	/**
	 * Ties an idempotency key to an execution id, unless the key is taken: atomically, so that
	 * of two starts with one key (from any process sharing the store) one wins. A key lives as
	 * long as the records ({@link #retention()}).
	 * @param key the key
	 * @param id the id of the execution about to start
	 * @return empty when the key is now this id's; else the id that holds it
	 */
	Optional<String> claim(String key, String id);

	/**
	 * The execution id an idempotency key is tied to.
	 * @param key the key
	 * @return the id, or empty when the key is free (never used, or expired)
	 */
	Optional<String> holder(String key);

	/**
	 * Moves a key from an execution whose record never appeared (its starter stopped between
	 * claiming the key and writing the record) to another, only if the key still holds the old
	 * id.
	 * @param key the key
	 * @param from the id it holds
	 * @param to the new id
	 * @return whether it moved
	 */
	boolean reclaim(String key, String from, String to);

	/**
	 * Makes a finished record pending again, for an execution that runs again (a dead letter
	 * requeued); does nothing to a record that has not finished.
	 * @param id the id
	 * @return whether it was reopened
	 */
	boolean reopen(String id);

	/**
	 * Lists records, newest first.
	 * @param query what to list
	 * @return the page of records
	 */
	List<ExecutionRecord> list(ExecutionQuery query);

	/**
	 * Keeps a batch: the ids of its executions, in order, for the retention.
	 * @param id the batch's id
	 * @param executions the execution ids
	 */
	void createBatch(String id, List<String> executions);

	/**
	 * The execution ids of a batch.
	 * @param id the batch's id
	 * @return the ids in order, or empty when unknown or expired
	 */
	Optional<List<String>> findBatch(String id);

}
