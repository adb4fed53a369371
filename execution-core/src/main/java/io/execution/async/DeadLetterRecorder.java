package io.execution.async;

import java.time.Instant;

import io.execution.codec.EnvelopeCodec;
import io.execution.codec.MalformedEnvelopeException;
import io.execution.codec.RequestEnvelope;
import io.execution.core.ExecutionEvents;

/**
 * Ends the record of an execution whose request became a dead letter (its worker died and it is
 * not re-run, or it was taken over too often): {@code FAILED}, with the cause, even when the
 * process that started it is gone.
 */
public final class DeadLetterRecorder implements ExecutionEvents {

	private final ExecutionStore store;

	private final EnvelopeCodec codec;

	/**
	 * Makes the listener.
	 * @param store the execution store
	 * @param codec reads the dead request
	 */
	public DeadLetterRecorder(ExecutionStore store, EnvelopeCodec codec) {
		this.store = store;
		this.codec = codec;
	}

	@Override
	public void deadLettered(String queue, String invocationId, byte[] request, String cause) {
		RequestEnvelope envelope;
		try {
			envelope = this.codec.decodeRequest(request);
		}
		catch (MalformedEnvelopeException ex) {
			return;
		}
		if (envelope.execution()) {
			this.store.finish(invocationId, ExecutionStatus.FAILED, null, new ExecutionRecord.Error("internal-error",
					null, "its request on queue '" + queue + "' became a dead letter: " + cause), Instant.now());
		}
	}

}
