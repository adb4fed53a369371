package io.execution.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import io.execution.ExecutionRejectedException;

/**
 * Collects a response body, giving up (and closing the exchange) as soon as it grows past the
 * payload limit, so that a huge answer is never buffered whole.
 */
final class LimitedBodySubscriber implements BodySubscriber<byte[]> {

	private final long limit;

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private final CompletableFuture<byte[]> result = new CompletableFuture<>();

	private Flow.Subscription subscription;

	LimitedBodySubscriber(long limit) {
		this.limit = limit;
	}

	@Override
	public CompletionStage<byte[]> getBody() {
		return this.result;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(List<ByteBuffer> buffers) {
		if (this.result.isDone()) {
			return;
		}
		for (ByteBuffer buffer : buffers) {
			if (this.body.size() + (long) buffer.remaining() > this.limit) {
				this.subscription.cancel();
				this.result.completeExceptionally(new ExecutionRejectedException(
						"Response body is larger than the payload limit of " + this.limit
								+ " bytes (execution.http.payload-limit)"));
				return;
			}
			byte[] chunk = new byte[buffer.remaining()];
			buffer.get(chunk);
			this.body.writeBytes(chunk);
		}
	}

	@Override
	public void onError(Throwable failure) {
		this.result.completeExceptionally(failure);
	}

	@Override
	public void onComplete() {
		this.result.complete(this.body.toByteArray());
	}

}
