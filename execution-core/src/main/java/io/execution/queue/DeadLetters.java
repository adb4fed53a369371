package io.execution.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.execution.ExecutionRejectedException;
import io.execution.async.ExecutionStore;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.RequestEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of the queues, for an operator: list and inspect them (with their cause and
 * attempts), put them back on their queue with a fresh deadline, or delete them. A requeued dead
 * letter keeps its invocation id: an execution's record is reopened (PENDING) under the same id
 * and then shows the new run. The Actuator endpoint {@code deadletters} and the HTTP routes
 * under {@code {path}/v1/dead-letters} call this bean; applications may too.
 */
public final class DeadLetters {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetters.class);

	/** The most dead letters one listing returns. */
	public static final int MAX_LIMIT = 1000;

	private final QueueBackend backend;

	private final ExecutionStore store;

	private final EnvelopeCodec codec;

	private final Duration defaultTimeout;

	/**
	 * Makes the service.
	 * @param backend the queue backend that keeps the dead letters
	 * @param store the execution records, reopened when an execution is requeued; {@code null} for none
	 * @param codec reads the requests
	 * @param defaultTimeout the time a requeued request has when the operator gives none
	 */
	public DeadLetters(QueueBackend backend, ExecutionStore store, EnvelopeCodec codec, Duration defaultTimeout) {
		this.backend = backend;
		this.store = store;
		this.codec = codec;
		this.defaultTimeout = defaultTimeout;
	}

	/**
	 * A queue's dead letters, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most returned, 1 to {@value #MAX_LIMIT}
	 * @return the dead letters
	 */
	public List<DeadLetter> list(String queue, int offset, int limit) {
		if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException(
					"offset must be 0 or more and limit 1 to " + MAX_LIMIT + " (were " + offset + ", " + limit + ")");
		}
		return this.backend.deadLetters().list(queue, offset, limit).stream().map(this::described).toList();
	}

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return it, or empty
	 */
	public Optional<DeadLetter> find(String queue, String id) {
		return this.backend.deadLetters().find(queue, id).map(this::described);
	}

	/**
	 * How many dead letters a queue holds.
	 * @param queue the queue
	 * @return the count, -1 when it cannot be read
	 */
	public long count(String queue) {
		return this.backend.state(queue).deadLetters();
	}

	/**
	 * Puts a dead letter back on its queue, with the given time to run from now, and reopens its
	 * execution's record when it is one.
	 * @param queue the queue
	 * @param id the dead letter's id
	 * @param timeout the time it has; {@code null} for {@code execution.default-timeout}
	 * @return the dead letter as it was
	 * @throws ExecutionRejectedException when there is no such dead letter, or the queue is full
	 */
	public DeadLetter requeue(String queue, String id, Duration timeout) {
		DeadLetter letter = find(queue, id).orElseThrow(() -> new ExecutionRejectedException(
				"Queue '" + queue + "' has no dead letter " + id + " (requeued or deleted already?)"));
		if (letter.invocationId() == null || letter.invocationId().isBlank() || letter.service() == null) {
			// What a producer wrote wrong is not run: it would fail again, or run without an id to answer to.
			throw new UnreadableRequestException("Dead letter " + id + " of queue '" + queue + "' cannot be requeued:"
					+ " its request cannot be read (" + ((letter.cause() != null) ? letter.cause() : "no cause kept")
					+ (((letter.invocationId() == null || letter.invocationId().isBlank())) ? "; no invocation id" : "")
					+ "); inspect it, then delete it");
		}
		if (letter.execution() && this.store != null && letter.invocationId() != null) {
			this.store.reopen(letter.invocationId());
		}
		Duration time = (timeout != null && !timeout.isNegative() && !timeout.isZero()) ? timeout : this.defaultTimeout;
		if (!this.backend.deadLetters().requeue(queue, id, time.toMillis())) {
			throw new ExecutionRejectedException(
					"Queue '" + queue + "' has no dead letter " + id + " any more: another requeue or delete came first");
		}
		logger.info("Dead letter {} of queue '{}' (invocation {}) requeued with {} to run", id, queue,
				letter.invocationId(), time);
		return letter;
	}

	/**
	 * Deletes one dead letter.
	 * @param queue the queue
	 * @param id its id
	 * @return whether it was there
	 */
	public boolean delete(String queue, String id) {
		return this.backend.deadLetters().purge(queue, id) > 0;
	}

	/**
	 * Requeues every dead letter of a queue that a filter accepts (its service, method, cause…),
	 * each as {@link #requeue} would.
	 * @param queue the queue
	 * @param which the letters to requeue
	 * @return how many were requeued
	 */
	public int requeueAll(String queue, java.util.function.Predicate<DeadLetter> which) {
		int requeued = 0;
		for (DeadLetter letter : matching(queue, which)) {
			try {
				requeue(queue, letter.id(), null);
				requeued++;
			}
			catch (io.execution.ExecutionException ex) {
				logger.warn("Dead letter {} of queue '{}' was not requeued: {}", letter.id(), queue, ex.getMessage());
			}
		}
		return requeued;
	}

	/**
	 * Deletes every dead letter of a queue that a filter accepts.
	 * @param queue the queue
	 * @param which the letters to delete
	 * @return how many were deleted
	 */
	public int deleteAll(String queue, java.util.function.Predicate<DeadLetter> which) {
		int deleted = 0;
		for (DeadLetter letter : matching(queue, which)) {
			if (delete(queue, letter.id())) {
				deleted++;
			}
		}
		return deleted;
	}

	/** The letters a filter accepts, all read before any is acted on. */
	private List<DeadLetter> matching(String queue, java.util.function.Predicate<DeadLetter> which) {
		List<DeadLetter> matching = new java.util.ArrayList<>();
		for (int offset = 0;; offset += 1000) {
			List<DeadLetter> page = list(queue, offset, 1000);
			page.stream().filter(which).forEach(matching::add);
			if (page.size() < 1000) {
				return matching;
			}
		}
	}

	/**
	 * Deletes all of a queue's dead letters.
	 * @param queue the queue
	 * @return how many were deleted
	 */
	public long purge(String queue) {
		long purged = this.backend.deadLetters().purge(queue, null);
		logger.info("{} dead letters of queue '{}' purged", purged, queue);
		return purged;
	}

	private DeadLetter described(DeadLetter letter) {
		try {
			RequestEnvelope request = this.codec.decodeRequest(letter.request().getBytes(StandardCharsets.UTF_8));
			return letter.describing(request.service(), request.method(), request.execution());
		}
		catch (RuntimeException ex) {
			return letter;
		}
	}

	/**
	 * A dead letter whose request cannot be read (no invocation id, no body, not an envelope, as a
	 * producer that wrote straight into the queue may leave): it is kept, to be inspected and
	 * deleted, and never requeued. The HTTP routes answer it with 422 {@code malformed-dead-letter}.
	 */
	public static final class UnreadableRequestException extends ExecutionRejectedException {

		private static final long serialVersionUID = 1L;

		UnreadableRequestException(String message) {
			super(message);
		}

	}

}
