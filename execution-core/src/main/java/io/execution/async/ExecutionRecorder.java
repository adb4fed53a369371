package io.execution.async;

import java.time.Instant;
import java.util.concurrent.CancellationException;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.RemoteExecutionException;
import io.execution.ServiceNotFoundException;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.ErrorCode;
import io.execution.codec.ResultEnvelope;
import io.execution.core.ExecutionTracker;
import io.execution.core.Futures;

/**
 * Writes what happens to executions into the {@link ExecutionStore}, on the side that runs them:
 * worker pools record the start, the progress and the outcome of the executions they take, so
 * that the record is complete even when the process that started it is gone.
 */
public final class ExecutionRecorder {

	private final ExecutionStore store;

	private final String worker;

	private final EnvelopeCodec codec;

	/**
	 * Makes a recorder.
	 * @param store the store
	 * @param worker the name records show for this process
	 * @param codec reads result envelopes
	 */
	public ExecutionRecorder(ExecutionStore store, String worker, EnvelopeCodec codec) {
		this.store = store;
		this.worker = worker;
		this.codec = codec;
	}

	/**
	 * The store written to.
	 * @return the store
	 */
	public ExecutionStore store() {
		return this.store;
	}

	/**
	 * The name records show for this process.
	 * @return the worker name
	 */
	public String worker() {
		return this.worker;
	}

	/**
	 * A tracker that writes an execution's start, progress and location to the store.
	 * @param id the execution id
	 * @return the tracker
	 */
	public ExecutionTracker tracker(String id) {
		return new StoreTracker(id);
	}

	/**
	 * Records the outcome a worker answered an execution with.
	 * @param id the execution id
	 * @param resultEnvelope the result envelope
	 */
	public void finish(String id, byte[] resultEnvelope) {
		ResultEnvelope result = this.codec.decodeResult(resultEnvelope);
		if (result.ok()) {
			this.store.finish(id, ExecutionStatus.SUCCEEDED, result.result(), null, Instant.now());
			return;
		}
		ResultEnvelope.Error error = result.error();
		this.store.finish(id, statusOf(error.code()), null,
				new ExecutionRecord.Error(error.code().code(), error.type(), error.message()), Instant.now());
	}

	/**
	 * Records the outcome a caller saw.
	 * @param id the execution id
	 * @param failure the failure
	 */
	public void finish(String id, Throwable failure) {
		Throwable cause = Futures.unwrap(failure);
		ErrorCode code = codeOf(cause);
		String type = (cause instanceof RemoteExecutionException remote) ? remote.getRemoteType() : null;
		String message = (cause instanceof RemoteExecutionException remote) ? remote.getRemoteMessage()
				: (cause instanceof CancellationException) ? "cancelled before it finished"
						: String.valueOf(cause.getMessage());
		this.store.finish(id, statusOf(code), null, new ExecutionRecord.Error(code.code(), type, message),
				Instant.now());
	}

	static ExecutionStatus statusOf(ErrorCode code) {
		return switch (code) {
			case DEADLINE_EXCEEDED -> ExecutionStatus.TIMED_OUT;
			case CANCELLED -> ExecutionStatus.CANCELLED;
			default -> ExecutionStatus.FAILED;
		};
	}

	static ErrorCode codeOf(Throwable failure) {
		if (failure instanceof RemoteExecutionException) {
			return ErrorCode.SERVICE_EXCEPTION;
		}
		if (failure instanceof ExecutionTimeoutException) {
			return ErrorCode.DEADLINE_EXCEEDED;
		}
		if (failure instanceof ExecutionCancelledException || failure instanceof CancellationException) {
			return ErrorCode.CANCELLED;
		}
		if (failure instanceof ServiceNotFoundException) {
			return ErrorCode.UNKNOWN_SERVICE;
		}
		if (failure instanceof ExecutionRejectedException) {
			return ErrorCode.REJECTED;
		}
		return ErrorCode.INTERNAL;
	}

	/** Writes one execution's events to the store. */
	private final class StoreTracker implements RemoteExecutions.Tracker {

		private final String id;

		StoreTracker(String id) {
			this.id = id;
		}

		@Override
		public void running(String by) {
			ExecutionRecorder.this.store.running(this.id, (by != null) ? by : ExecutionRecorder.this.worker,
					Instant.now());
		}

		@Override
		public void progress(double fraction, String message) {
			ExecutionRecorder.this.store.progress(this.id, fraction, message, Instant.now());
		}

		@Override
		public void located(String location) {
			ExecutionRecorder.this.store.located(this.id, location);
		}

	}

}
