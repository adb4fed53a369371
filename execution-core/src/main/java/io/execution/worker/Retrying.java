package io.execution.worker;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionRecorder;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.codec.RequestEnvelope;
import io.execution.core.RetryPolicy;
import io.execution.queue.QueueDelivery;
import io.execution.service.ServiceExecutor.Outcome;

/**
 * A worker's side of the retry policy ({@link RetryPolicy}): after an attempt whose service
 * threw, the next attempt is held on the backend until due, when the policy has attempts left,
 * the exception is not one it never retries, and the caller's deadline leaves the next attempt
 * room (a plain call's attempts share its deadline; an execution's each have its timeout).
 */
final class Retrying {

	private static final Logger logger = LoggerFactory.getLogger(Retrying.class);

	private Retrying() {
	}

	/**
	 * The deadline of an execution's attempt: its timeout from when it was taken, within the
	 * execution's deadline, which spans every attempt.
	 * @param request the request, with retries
	 * @param taken when it was taken ({@link System#nanoTime()})
	 * @param deadline the execution's deadline
	 * @return the attempt's deadline
	 */
	static long attemptDeadline(RequestEnvelope request, long taken, long deadline) {
		long each = request.retries().attemptMillis();
		if (each <= 0) {
			return deadline;
		}
		long attempt = taken + TimeUnit.MILLISECONDS.toNanos(each);
		return (attempt - deadline < 0) ? attempt : deadline;
	}

	/**
	 * Why a call that failed for good is kept as a dead letter, when its policy keeps such calls:
	 * its attempts are spent, or it threw what the policy never retries.
	 * @param request its request
	 * @param outcome how its last attempt ended
	 * @return the dead letter's cause, or {@code null} to answer it as usual
	 */
	static String deadLetterCause(RequestEnvelope request, Outcome outcome) {
		if (request == null || request.retries() == null || !request.retries().policy().deadLetter()
				|| outcome.error() != ErrorCode.SERVICE_EXCEPTION || outcome.thrown() == null) {
			return null;
		}
		Throwable thrown = outcome.thrown();
		return "failed on attempt " + request.retries().attempt() + " of " + request.retries().policy().maxAttempts()
				+ ": " + thrown.getClass().getName() + ": " + thrown.getMessage();
	}

	/**
	 * Holds the next attempt of a call whose service threw, when its policy says so.
	 * @param codec writes the next attempt's request
	 * @param delivery the attempt that failed
	 * @param request its request
	 * @param outcome how it ended
	 * @param recorder writes the attempt into the execution's record; {@code null} for a plain call
	 * @param taken when the worker took it ({@link System#nanoTime()})
	 * @return {@code true} when the next attempt is held and the caller is not answered now
	 */
	static boolean retried(EnvelopeCodec codec, QueueDelivery delivery, RequestEnvelope request, Outcome outcome,
			ExecutionRecorder recorder, long taken) {
		if (request == null || request.retries() == null || outcome.error() != ErrorCode.SERVICE_EXCEPTION
				|| outcome.thrown() == null) {
			return false;
		}
		RetryPolicy.Retries retries = request.retries();
		String id = delivery.invocationId();
		if (!retries.remain() || !retries.policy().retries(outcome.thrown())) {
			logger.debug("Call [{}] failed on attempt {} of {}: not retried ({})", id, retries.attempt(),
					retries.policy().maxAttempts(), retries.remain() ? "never-for" : "attempts spent");
			return false;
		}
		long delay = retries.policy().delayMillis(retries.attempt());
		long left = TimeUnit.NANOSECONDS.toMillis(delivery.deadlineNanos() - System.nanoTime()) - delay;
		long timeout = (retries.attemptMillis() > 0) ? Math.min(retries.attemptMillis(), left) : left;
		if (timeout <= 0) {
			logger.debug("Call [{}] failed on attempt {}: its deadline leaves no room for another after {} ms", id,
					retries.attempt(), delay);
			return false;
		}
		byte[] next;
		try {
			next = codec.nextAttempt(delivery.request().bytes(), retries.next(), timeout);
			if (!delivery.retryLater(next, delay, timeout)) {
				return false;
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Call [{}] could not be scheduled for attempt {}; its caller gets the failure", id,
					retries.attempt() + 1, ex);
			return false;
		}
		Instant now = Instant.now();
		if (recorder != null) {
			Throwable thrown = outcome.thrown();
			try {
				recorder.store().retrying(id, new ExecutionRecord.Attempt(retries.attempt(),
						now.minusNanos(System.nanoTime() - taken), now, recorder.worker(),
						new ExecutionRecord.Error(ErrorCode.SERVICE_EXCEPTION.code(), thrown.getClass().getName(),
								String.valueOf(thrown.getMessage())),
						now.plusMillis(delay)));
			}
			catch (RuntimeException ex) {
				logger.warn("Execution [{}]: attempt {} could not be recorded", id, retries.attempt(), ex);
			}
		}
		logger.info("Call [{}] threw {} on attempt {} of {}; attempt {} in {} ms", id,
				outcome.thrown().getClass().getName(), retries.attempt(), retries.policy().maxAttempts(),
				retries.attempt() + 1, delay);
		return true;
	}

}
