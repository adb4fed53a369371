package io.execution.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.RemoteExecutions;
import io.execution.core.ExecutionTracker;
import io.execution.core.Futures;
import io.execution.http.InstanceAttempts.AttemptFailure;
import io.execution.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Executions of an http endpoint, kept by the instance that runs them: the envelope is POSTed to
 * {@code {url}/v1/executions} of one instance, whose answer gives the execution's status URL; then
 * the status is long-polled there until it finishes. What the instance reports (its worker, the
 * progress) goes to the caller's tracker. Cancelling the caller's future DELETEs the execution.
 */
final class HttpExecutions {

	private static final Logger logger = LoggerFactory.getLogger(HttpExecutions.class);

	static final String EXECUTIONS = "/v1/executions";

	/** The longest one status request waits at the instance. */
	private static final long LONG_POLL_MILLIS = 10_000;

	private final EndpointInstances endpoint;

	HttpExecutions(EndpointInstances endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Starts an execution at one instance and follows it there.
	 * @param invocation the invocation, with its tracker
	 * @return the result to come
	 */
	CompletableFuture<Object> start(Invocation invocation) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		Follow follow = new Follow(invocation, result);
		result.whenComplete((value, failure) -> follow.abandon());
		follow.post();
		return result;
	}

	/**
	 * Reads an execution's record at its status URL.
	 * @param location the status URL
	 * @return the record as JSON, or {@code null} when the instance does not know it
	 */
	byte[] fetch(String location) {
		HttpResponse<byte[]> response = sendNow(request(URI.create(location), Duration.ofSeconds(10)).GET());
		if (response.statusCode() == 404) {
			return null;
		}
		if (response.statusCode() != 200) {
			throw new ExecutionException("HTTP " + response.statusCode() + " from " + location);
		}
		return this.endpoint.body(response);
	}

	/**
	 * Cancels an execution at its status URL.
	 * @param location the status URL
	 * @return {@code true} once the instance took the cancellation
	 */
	boolean cancel(String location) {
		HttpResponse<byte[]> response = sendNow(request(URI.create(location), Duration.ofSeconds(10)).DELETE());
		return response.statusCode() == 200;
	}

	private HttpResponse<byte[]> sendNow(HttpRequest.Builder request) {
		try {
			return this.endpoint.client()
				.send(request.build(), (info) -> new LimitedBodySubscriber(this.endpoint.settings().payloadLimit()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ExecutionRejectedException("Interrupted while reaching " + request.build().uri());
		}
		catch (IOException ex) {
			throw new ExecutionRejectedException("Cannot reach " + request.build().uri() + ": " + ex, ex);
		}
	}

	private HttpRequest.Builder request(URI uri, Duration timeout) {
		return this.endpoint.authorize(EndpointInstances.newRequest(uri).timeout(timeout).header("Accept-Encoding", "gzip"));
	}

	/** One execution followed from its start to its end. */
	private final class Follow {

		private final Invocation invocation;

		private final CompletableFuture<Object> result;

		private volatile String location;

		private volatile CompletableFuture<?> exchange;

		private volatile boolean finished;

		private volatile boolean started;

		/** Where the start goes and what its failure means: as for a call. */
		private final InstanceAttempts attempts;

		Follow(Invocation invocation, CompletableFuture<Object> result) {
			this.invocation = invocation;
			this.result = result;
			this.attempts = new InstanceAttempts(HttpExecutions.this.endpoint, invocation, "Execution", EXECUTIONS);
		}

		/**
		 * Starts the execution at the next instance, chosen and judged as a call's attempts are
		 * ({@link InstanceAttempts}).
		 */
		void post() {
			if (this.result.isDone()) {
				return;
			}
			Instance instance;
			try {
				instance = this.attempts.next();
			}
			catch (AttemptFailure failure) {
				retry(failure);
				return;
			}
			catch (RuntimeException ex) {
				fail(ex);
				return;
			}
			byte[] envelope = HttpExecutions.this.endpoint.codec().encodeRequest(this.invocation);
			HttpRequest.Builder request = request(URI.create(instance.url() + EXECUTIONS),
					Duration.ofNanos(Math.max(1, this.invocation.remainingNanos())))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(envelope));
			long sentAt = instance.started();
			CompletableFuture<HttpResponse<byte[]>> sent = HttpExecutions.this.endpoint.client().sendAsync(request.build(),
					(info) -> new LimitedBodySubscriber(HttpExecutions.this.endpoint.settings().payloadLimit()));
			this.exchange = sent;
			sent.whenComplete((response, failure) -> {
				long elapsed = instance.finished(sentAt);
				if (failure != null) {
					judged(this.attempts.failed(instance, elapsed, Futures.unwrap(failure), this.result.isDone()));
					return;
				}
				if (response.statusCode() != 202) {
					byte[] body;
					try {
						body = HttpExecutions.this.endpoint.body(response);
					}
					catch (RuntimeException ex) {
						body = new byte[0];
					}
					judged(this.attempts.refused(instance, elapsed, response.statusCode(), body));
					return;
				}
				this.attempts.answered(instance, elapsed);
				this.attempts.succeeded();
				try {
					started(instance, response);
				}
				catch (RuntimeException ex) {
					fail(ex);
				}
			});
		}

		private void judged(RuntimeException failure) {
			if (failure instanceof AttemptFailure attempt) {
				retry(attempt);
			}
			else {
				fail(failure);
			}
		}

		/** After a failed attempt: the next one after the retry's wait, or the caller's failure. */
		private void retry(AttemptFailure failure) {
			long delay = this.result.isDone() ? -1 : this.attempts.retryDelay(failure);
			if (delay < 0) {
				fail(this.attempts.giveUp(failure));
			}
			else if (delay == 0) {
				post();
			}
			else {
				HttpExecutions.this.endpoint.scheduler().schedule(this::post, delay, TimeUnit.MILLISECONDS);
			}
		}

		private void started(Instance instance, HttpResponse<byte[]> response) {
			JsonNode body = tree(response);
			ExecutionRecord record = ExecutionRecord.fromJson(body);
			this.location = instance.url() + EXECUTIONS + "/" + record.id();
			if (this.invocation.tracker() instanceof RemoteExecutions.Tracker tracker) {
				tracker.located(this.location);
			}
			logger.debug("Endpoint '{}': execution {} runs at {}", HttpExecutions.this.endpoint.endpoint(),
					this.invocation.id(), this.location);
			// It may have started already: what the answer says counts before the first status request.
			report(record);
		}

		private void poll(int failures, long version) {
			if (this.result.isDone()) {
				return;
			}
			long remaining = TimeUnit.NANOSECONDS.toMillis(this.invocation.remainingNanos());
			long wait = Math.max(0, Math.min(LONG_POLL_MILLIS, remaining));
			HttpRequest.Builder request = request(URI.create(this.location + "?wait=" + wait + "&version=" + version),
					Duration.ofMillis(wait + 5_000)).GET();
			CompletableFuture<HttpResponse<byte[]>> sent = HttpExecutions.this.endpoint.client().sendAsync(request.build(),
					(info) -> new LimitedBodySubscriber(HttpExecutions.this.endpoint.settings().payloadLimit()));
			this.exchange = sent;
			sent.whenComplete((response, failure) -> {
				if (failure != null || response.statusCode() >= 500) {
					// The instance may be restarting: it keeps the execution (in Redis) or answers 404 later.
					long delay = Math.min(2_000, 100L << Math.min(failures, 5));
					HttpExecutions.this.endpoint.scheduler().schedule(() -> poll(failures + 1, version), delay,
							TimeUnit.MILLISECONDS);
					return;
				}
				try {
					if (response.statusCode() == 404) {
						fail(new ExecutionException("Execution " + this.invocation.id() + " is no longer known at "
								+ this.location));
						return;
					}
					report(ExecutionRecord.fromJson(tree(response)));
				}
				catch (RuntimeException ex) {
					fail(ex);
				}
			});
		}

		private void report(ExecutionRecord record) {
			ExecutionTracker tracker = this.invocation.tracker();
			if (record.startedAt() != null && !this.started) {
				this.started = true;
				tracker.running(record.worker());
			}
			if (record.progress() != null || record.message() != null) {
				tracker.progress((record.progress() != null) ? record.progress() : Double.NaN, record.message());
			}
			if (!record.status().isFinished()) {
				poll(0, record.version());
				return;
			}
			this.finished = true;
			if (record.status() == ExecutionStatus.SUCCEEDED) {
				JsonNode value = record.result();
				this.result.complete((value == null || value.isNull()) ? null
						: this.invocation.method().resultReader().readValue(value));
			}
			else {
				this.result.completeExceptionally(record.exception());
			}
		}

		private void fail(Throwable failure) {
			this.finished = true;
			this.result.completeExceptionally(failure);
		}

		/** The caller gave up (cancelled, timed out): stop following, and cancel it at the instance. */
		void abandon() {
			CompletableFuture<?> current = this.exchange;
			if (current != null && !current.isDone()) {
				current.cancel(true);
			}
			String at = this.location;
			if (!this.finished && at != null) {
				HttpExecutions.this.endpoint.client()
					.sendAsync(request(URI.create(at), Duration.ofSeconds(10)).DELETE().build(),
							HttpResponse.BodyHandlers.discarding())
					.whenComplete((response, failure) -> {
						if (failure != null) {
							logger.warn("Endpoint '{}': execution {} could not be cancelled at {}: {}",
									HttpExecutions.this.endpoint.endpoint(), this.invocation.id(), at, failure.toString());
						}
					});
			}
		}

		private JsonNode tree(HttpResponse<byte[]> response) {
			return HttpExecutions.this.endpoint.tree(HttpExecutions.this.endpoint.body(response));
		}

	}

}
