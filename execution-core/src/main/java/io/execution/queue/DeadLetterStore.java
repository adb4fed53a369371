package io.execution.queue;

import java.util.List;
import java.util.Optional;

/**
 * What a queue backend keeps of the calls it gave up on, for {@link DeadLetters} to list, requeue
 * and delete. A backend that keeps none has {@link #NONE}.
 */
public interface DeadLetterStore {

	/** A store with no dead letters, where nothing can be requeued or deleted. */
	DeadLetterStore NONE = new DeadLetterStore() {

		@Override
		public List<DeadLetter> list(String queue, int offset, int limit) {
			return List.of();
		}

		@Override
		public Optional<DeadLetter> find(String queue, String id) {
			return Optional.empty();
		}

		@Override
		public boolean requeue(String queue, String id, long timeoutMillis) {
			return false;
		}

		@Override
		public long purge(String queue, String id) {
			return 0;
		}

	};

	/**
	 * A queue's dead letters, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit how many at most
	 * @return the dead letters
	 */
	List<DeadLetter> list(String queue, int offset, int limit);

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return it, or empty when there is none of that id
	 */
	Optional<DeadLetter> find(String queue, String id);

	/**
	 * Puts a dead letter back on its queue with a fresh deadline, and removes it from the dead
	 * letters, in one step.
	 * @param queue the queue
	 * @param id its id
	 * @param timeoutMillis the time it may take from now
	 * @return {@code false} when there is no such dead letter (any more)
	 */
	boolean requeue(String queue, String id, long timeoutMillis);

	/**
	 * Deletes one dead letter, or all of a queue's.
	 * @param queue the queue
	 * @param id its id, or {@code null} for all
	 * @return how many were deleted
	 */
	long purge(String queue, String id);

}
