package io.execution.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.execution.AllEndpointsFailedException;
import io.execution.CircuitOpenException;
import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.core.EndpointFailure;
import io.execution.core.Futures;
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
	 * Opens the stream of one call at one instance; an instance that refuses the connection is
	 * skipped for another (nothing was sent), anything later is not retried.
	 * @param invocation the invocation
	 * @return the elements, bound to the method's element type
	 */
	Stream<Object> open(Invocation invocation) {
		byte[] envelope = this.endpoint.codec().encodeRequest(invocation);
		List<Instance> tried = new ArrayList<>();
		List<Throwable> causes = new ArrayList<>();
		while (tried.size() < this.endpoint.instances().list().size()) {
			long remaining = invocation.remainingNanos();
			if (remaining <= 0) {
				throw Futures.timeout(invocation);
			}
			Instance instance = this.endpoint.balancer().acquire(this.endpoint.instances().list(), tried);
			if (instance == null) {
				causes.add(new CircuitOpenException("The circuit breaker of every instance left is open"));
				break;
			}
			tried.add(instance);
			HttpRequest.Builder request = EndpointInstances.newRequest(instance.invocations())
				.timeout(Duration.ofNanos(remaining))
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
				instance.breaker().releasePermission();
				Thread.currentThread().interrupt();
				throw new ExecutionCancelledException("Stream " + invocation.method() + " [" + invocation.id()
						+ "] was cancelled: the calling thread was interrupted");
			}
			catch (IOException ex) {
				long elapsed = instance.finished(started);
				instance.breaker().onError(elapsed, TimeUnit.NANOSECONDS, ex);
				if (ex instanceof ConnectException || ex instanceof HttpConnectTimeoutException
						|| ex.getCause() instanceof ConnectException) {
					causes.add(new ExecutionException("Cannot connect to " + instance + ": " + ex, ex));
					continue;
				}
				if (ex instanceof java.net.http.HttpTimeoutException) {
					throw Futures.timeout(invocation);
				}
				throw new EndpointFailure(new ExecutionException("No answer from " + instance + ": " + ex, ex), true);
			}
			instance.breaker().onSuccess(instance.finished(started), TimeUnit.NANOSECONDS);
			return read(invocation, instance, response);
		}
		throw new EndpointFailure(new AllEndpointsFailedException("Stream " + invocation.method() + " ["
				+ invocation.id() + "] could not be opened at any instance of endpoint '" + this.endpoint.endpoint() + "'", causes),
				false);
	}

	private Stream<Object> read(Invocation invocation, Instance instance, HttpResponse<InputStream> response) {
		InputStream body = response.body();
		String type = response.headers().firstValue("Content-Type").orElse("");
		if (response.statusCode() != 200 || !type.startsWith("application/x-ndjson")) {
			// An error, or a server that answered all elements at once (a JSON array in an envelope).
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
			if (response.statusCode() != 200) {
				throw this.endpoint.error(this.endpoint.tree(bytes), "HTTP " + response.statusCode() + " from " + instance);
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
