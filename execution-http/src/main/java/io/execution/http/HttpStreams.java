package io.execution.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.execution.ExecutionException;
import io.execution.core.Futures;
import io.execution.http.InstanceAttempts.AttemptFailure;
import io.execution.core.Invocation;
import tools.jackson.databind.JsonNode;

/**
 * Streamed calls of an http endpoint: the envelope is POSTed to {@code {url}/v1/invocations} with
 * {@code Accept: application/x-ndjson}, and the answer is read a line at a time as the caller
 * consumes the stream, so that TCP carries the back-pressure to the producer. Closing the stream,
 * or the deadline passing, closes the connection, which stops the producer on the instance.
 */
final class HttpStreams {

	private final EndpointInstances endpoint;

	HttpStreams(EndpointInstances endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Opens the stream of one call, its attempts chosen and judged as a call's are
	 * ({@link InstanceAttempts}): an instance that refuses the connection, has no Execution routes
	 * or refuses before running is passed over for another, after the retry's wait; once the
	 * stream has opened nothing is tried again (elements may have been consumed).
	 * @param invocation the invocation
	 * @return the elements, bound to the method's element type
	 */
	Stream<Object> open(Invocation invocation) {
		byte[] envelope = this.endpoint.codec().encodeRequest(invocation);
		InstanceAttempts attempts = new InstanceAttempts(this.endpoint, invocation, "Stream", HttpTransport.INVOCATIONS);
		while (true) {
			try {
				Stream<Object> elements = attempt(invocation, attempts, envelope);
				attempts.succeeded();
				return elements;
			}
			catch (AttemptFailure failure) {
				long delay = attempts.retryDelay(failure);
				if (delay < 0) {
					throw attempts.giveUp(failure);
				}
				if (delay > 0) {
					try {
						Thread.sleep(delay);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw attempts.cancelled();
					}
				}
			}
		}
	}

	private Stream<Object> attempt(Invocation invocation, InstanceAttempts attempts, byte[] envelope) {
		Instance instance = attempts.next();
		HttpRequest.Builder request = EndpointInstances.newRequest(instance.invocations())
			.timeout(Duration.ofNanos(Math.max(1, invocation.remainingNanos())))
			.header("Content-Type", "application/json")
			.header("Accept", "application/x-ndjson")
			.POST(HttpRequest.BodyPublishers.ofByteArray(envelope));
		this.endpoint.authorize(request);
		EndpointInstances.traced(request, invocation.trace());
		long started = instance.started();
		HttpResponse<InputStream> response;
		try {
			response = this.endpoint.blockingClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			instance.finished(started);
			attempts.released(instance);
			Thread.currentThread().interrupt();
			throw attempts.cancelled();
		}
		catch (IOException ex) {
			throw attempts.failed(instance, instance.finished(started), ex, false);
		}
		long elapsed = instance.finished(started);
		if (response.statusCode() != 200) {
			byte[] body;
			try (InputStream in = response.body()) {
				body = Gzip.Bodies.read(in, this.endpoint.settings().payloadLimit());
			}
			catch (IOException ex) {
				throw attempts.failed(instance, elapsed, ex, false);
			}
			throw attempts.refused(instance, elapsed, response.statusCode(), (body != null) ? body : new byte[0]);
		}
		attempts.answered(instance, elapsed);
		return read(invocation, instance, response);
	}

	private Stream<Object> read(Invocation invocation, Instance instance, HttpResponse<InputStream> response) {
		InputStream body = response.body();
		String type = response.headers().firstValue("Content-Type").orElse("");
		if (!type.startsWith("application/x-ndjson")) {
			// A server that answered all elements at once (a JSON array in an envelope).
			byte[] bytes;
			try (InputStream in = body) {
				bytes = Gzip.Bodies.read(in, this.endpoint.settings().payloadLimit());
			}
			catch (IOException ex) {
				throw new ExecutionException("Answer of " + instance + " could not be read: " + ex, ex);
			}
			if (bytes == null) {
				throw new ExecutionException("Answer of " + instance + " is larger than execution.http.payload-limit");
			}
			List<?> elements = (List<?>) this.endpoint.codec().readResult(bytes, invocation.method());
			return (elements != null) ? elements.stream().map(Object.class::cast) : Stream.empty();
		}
		Lines lines = new Lines(invocation, instance, body);
		ScheduledFuture<?> deadline = this.endpoint.scheduler().schedule(lines::expire, invocation.remainingNanos(),
				TimeUnit.NANOSECONDS);
		return StreamSupport.stream(lines, false).onClose(() -> {
			deadline.cancel(false);
			lines.close();
		});
	}

	/** The NDJSON lines of one answer, read as they are consumed. */
	private final class Lines extends Spliterators.AbstractSpliterator<Object> {

		private final Invocation invocation;

		private final Instance instance;

		private final InputStream body;

		private final BufferedReader reader;

		private volatile boolean expired;

		private boolean ended;

		private long count;

		Lines(Invocation invocation, Instance instance, InputStream body) {
			super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
			this.invocation = invocation;
			this.instance = instance;
			this.body = body;
			this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
		}

		@Override
		public boolean tryAdvance(Consumer<? super Object> action) {
			if (this.ended) {
				return false;
			}
			String line;
			try {
				line = this.reader.readLine();
			}
			catch (IOException ex) {
				this.ended = true;
				if (this.expired) {
					throw Futures.timeout(this.invocation);
				}
				throw new ExecutionException("Stream " + this.invocation.method() + " [" + this.invocation.id()
						+ "] from " + this.instance + " broke after " + this.count + " elements: " + ex, ex);
			}
			if (line == null) {
				this.ended = true;
				if (this.expired) {
					throw Futures.timeout(this.invocation);
				}
				throw new ExecutionException("Stream " + this.invocation.method() + " [" + this.invocation.id()
						+ "] from " + this.instance + " ended after " + this.count + " elements without its last line");
			}
			if (line.length() > HttpStreams.this.endpoint.settings().payloadLimit()) {
				this.ended = true;
				throw new ExecutionException("An element of stream " + this.invocation.method() + " is larger than"
						+ " execution.http.payload-limit");
			}
			JsonNode node = HttpStreams.this.endpoint.codec().mapper().readTree(line);
			JsonNode item = node.get("item");
			if (item != null) {
				this.count++;
				action.accept(item.isNull() ? null : this.invocation.method().elementReader().readValue(item));
				return true;
			}
			this.ended = true;
			if (node.path("end").asBoolean(false)) {
				return false;
			}
			throw HttpStreams.this.endpoint.error(node, "Stream " + this.invocation.method() + " failed");
		}

		/** The deadline passed: closing the connection ends a read that waits, and the producer. */
		void expire() {
			this.expired = true;
			close();
		}

		void close() {
			try {
				this.body.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}


}
