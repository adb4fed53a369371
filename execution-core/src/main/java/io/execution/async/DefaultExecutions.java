package io.execution.async;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.client.CapturedCall;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.ClientMethod;
import io.execution.core.Dispatcher;
import io.execution.core.Endpoint;
import io.execution.core.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts executions through the {@link Dispatcher}, so that each runs on its service's endpoint
 * and mode, and keeps their records in the {@link ExecutionStore}. The record is written by this
 * process when it starts an execution and when it sees it end, and by the side that runs it (a
 * worker pool, another instance) as it starts, reports progress and ends, so that it is complete
 * even when this process is gone. The first final state written wins.
 */
public final class DefaultExecutions implements Executions {

	private static final Logger logger = LoggerFactory.getLogger(DefaultExecutions.class);

	private static final long WATCH_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final Dispatcher dispatcher;

	private final ExecutionRecorder recorder;

	private final ExecutionClientFactory methods;

	private final JsonMapper mapper;

	private final Map<String, Running> running = new ConcurrentHashMap<>();

	/**
	 * Makes the executions service.
	 * @param dispatcher runs the calls
	 * @param recorder writes the records, as this process
	 * @param methods finds client methods by name, to bind results of executions found by id
	 * @param mapper binds results
	 */
	public DefaultExecutions(Dispatcher dispatcher, ExecutionRecorder recorder, ExecutionClientFactory methods,
			JsonMapper mapper) {
		this.dispatcher = dispatcher;
		this.recorder = recorder;
		this.methods = methods;
		this.mapper = mapper;
	}

	/**
	 * The store the records are kept in.
	 * @return the store
	 */
	public ExecutionStore store() {
		return this.recorder.store();
	}

	/**
	 * How many executions this process started and still follows.
	 * @return the count
	 */
	public int followed() {
		return this.running.size();
	}

	@Override
	public <T> Execution<T> start(Supplier<T> call) {
		return start(null, call);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Execution<T> start(Duration timeout, Supplier<T> call) {
		CapturedCall captured = CapturedCall.capture(call::get);
		return (Execution<T>) start(captured.method(), captured.args(), timeout);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Execution<T> startAsync(Supplier<? extends java.util.concurrent.CompletionStage<T>> call) {
		CapturedCall captured = CapturedCall.capture(call::get);
		return (Execution<T>) start(captured.method(), captured.args(), null);
	}

	@Override
	@SuppressWarnings("unchecked")
	public Execution<Void> start(Runnable call) {
		CapturedCall captured = CapturedCall.capture(call);
		return (Execution<Void>) (Execution<?>) start(captured.method(), captured.args(), null);
	}

	/**
	 * Starts a call of a client method as an execution.
	 * @param method the client method
	 * @param args the arguments, of its parameter types
	 * @param timeout the time it may take; {@code null} for its endpoint's timeout
	 * @return the execution
	 * @throws io.execution.ServiceNotFoundException when the service has no endpoint
	 */
	public Execution<Object> start(ClientMethod method, Object[] args, Duration timeout) {
		if (method.streaming()) {
			throw new IllegalArgumentException("Streaming method " + method + " cannot be started as an execution:"
					+ " call it and consume its stream, or start a method that returns the collected result");
		}
		String id = UUID.randomUUID().toString();
		Endpoint endpoint = this.dispatcher.endpoints().resolve(method.service());
		this.recorder.store()
			.create(ExecutionRecord.pending(id, method.service(), method.name(), method.arity(), endpoint.name(),
					endpoint.mode(), Instant.now()));
		CompletableFuture<Object> future = this.dispatcher.callAsync(method, args, id,
				(timeout != null) ? timeout.toNanos() : 0, this.recorder.tracker(id));
		Running running = new Running(future, new CompletableFuture<>());
		this.running.put(id, running);
		future.whenComplete((value, failure) -> {
			this.running.remove(id, running);
			try {
				if (failure == null) {
					this.recorder.store()
						.finish(id, ExecutionStatus.SUCCEEDED, this.mapper.valueToTree(value), null, Instant.now());
				}
				else {
					this.recorder.finish(id, failure);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Execution {} of {} ended but its record could not be written: {}", id, method,
						ex.getMessage());
			}
			finally {
				// Whoever awaits it here sees the record written when the wait ends.
				if (failure != null) {
					running.recorded().completeExceptionally(failure);
				}
				else {
					running.recorded().complete(value);
				}
			}
		});
		logger.debug("Execution {} of {} started on endpoint '{}' ({})", id, method, endpoint.name(), endpoint.mode());
		return new Handle<>(id, method.resultType());
	}

	@Override
	public Optional<Execution<Object>> find(String id) {
		return lookup(id).map((record) -> new Handle<>(id, resultType(record)));
	}

	@Override
	public <T> Optional<Execution<T>> find(String id, Class<T> resultType) {
		return lookup(id).map((record) -> new Handle<>(id, this.mapper.constructType(resultType)));
	}

	/**
	 * Reads a record, refreshed from the instance that keeps it when it was started over http
	 * and this process does not follow it.
	 * @param id the id
	 * @return the record, or empty
	 */
	public Optional<ExecutionRecord> lookup(String id) {
		Optional<ExecutionRecord> found = this.recorder.store().find(id);
		if (found.isEmpty() || found.get().status().isFinished() || found.get().location() == null
				|| this.running.containsKey(id)) {
			return found;
		}
		ExecutionRecord record = found.get();
		try {
			RemoteExecutions remote = remote(record);
			byte[] json = (remote != null) ? remote.fetchExecution(record.location()) : null;
			if (json == null) {
				return found;
			}
			mirror(record, ExecutionRecord.fromJson(this.mapper.readTree(json)));
		}
		catch (RuntimeException ex) {
			logger.debug("Execution {}: its status at {} could not be read: {}", id, record.location(), ex.toString());
			return found;
		}
		return this.recorder.store().find(id);
	}

	/**
	 * Reads a record once it is past a version (it started, reported progress, finished), or
	 * after {@code wait} at the latest: what a status request that long-polls gets.
	 * @param id the id
	 * @param known the version the asker knows; a negative number for the current one
	 * @param wait the longest wait
	 * @return the record, or empty when unknown
	 */
	public Optional<ExecutionRecord> watch(String id, long known, Duration wait) {
		long end = System.nanoTime() + wait.toNanos();
		Optional<ExecutionRecord> record = lookup(id);
		long version = (known >= 0 || record.isEmpty()) ? known : record.get().version();
		long pause = TimeUnit.MILLISECONDS.toNanos(5);
		while (record.isPresent() && !record.get().status().isFinished() && record.get().version() <= version) {
			long remaining = end - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(pause, remaining));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			pause = Math.min(pause * 2, WATCH_POLL_NANOS);
			record = lookup(id);
		}
		return record;
	}

	/**
	 * Copies what the instance that keeps an execution knows into this process's record, writing
	 * only what changed.
	 * @param local the record here
	 * @param remote the record there
	 */
	void mirror(ExecutionRecord local, ExecutionRecord remote) {
		ExecutionStore store = this.recorder.store();
		String id = local.id();
		if (remote.startedAt() != null && (local.startedAt() == null
				|| (remote.worker() != null && !remote.worker().equals(local.worker())))) {
			store.running(id, remote.worker(), remote.startedAt());
		}
		boolean progressed = !java.util.Objects.equals(remote.progress(), local.progress())
				|| !java.util.Objects.equals(remote.message(), local.message());
		if (progressed && (remote.progress() != null || remote.message() != null)) {
			store.progress(id, (remote.progress() != null) ? remote.progress() : Double.NaN, remote.message(),
					Instant.now());
		}
		if (remote.status().isFinished()) {
			store.finish(id, remote.status(), remote.result(), remote.error(),
					(remote.finishedAt() != null) ? remote.finishedAt() : Instant.now());
		}
	}

	/**
	 * Cancels an execution, wherever it runs.
	 * @param id the id
	 * @return {@code true} when cancelled; {@code false} when unknown or finished already
	 * @throws ExecutionRejectedException when it runs where this process cannot reach
	 */
	public boolean cancel(String id) {
		Running running = this.running.get(id);
		if (running != null) {
			// The dispatcher passes the cancel on to the transport: dropped from a queue, interrupted, DELETEd.
			boolean cancelled = running.call().cancel(true);
			running.recorded().handle((value, failure) -> value).join();
			return cancelled;
		}
		Optional<ExecutionRecord> found = lookup(id);
		if (found.isEmpty() || found.get().status().isFinished()) {
			return false;
		}
		ExecutionRecord record = found.get();
		RemoteExecutions remote = remote(record);
		if (remote == null || !remote.cancelExecution(id, record.location())) {
			throw new ExecutionRejectedException("Execution " + id + " runs in " + record.mode()
					+ " mode in another process (" + record.worker() + "), which this one cannot reach to cancel it");
		}
		this.recorder.store()
			.finish(id, ExecutionStatus.CANCELLED, null,
					new ExecutionRecord.Error("cancelled", null, "cancelled by " + this.recorder.worker()), Instant.now());
		return true;
	}

	/** How the endpoint of a record reaches executions elsewhere, or {@code null} when it cannot. */
	private RemoteExecutions remote(ExecutionRecord record) {
		return (this.dispatcher.endpoints().resolve(record.endpoint()).transport() instanceof RemoteExecutions remote)
				? remote : null;
	}

	private JavaType resultType(ExecutionRecord record) {
		try {
			return this.methods.method(record.service(), record.method(), record.arity()).resultType();
		}
		catch (RuntimeException ex) {
			return this.mapper.constructType(Object.class);
		}
	}

	private Object bind(ExecutionRecord record, JavaType type) {
		JsonNode result = record.result();
		if (result == null || result.isNull() || result.isMissingNode()) {
			return null;
		}
		try {
			return this.mapper.treeToValue(result, type);
		}
		catch (JacksonException ex) {
			throw new ExecutionException("Result of execution " + record.id() + " does not bind to " + type + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * An execution this process started and follows.
	 *
	 * @param call the call, whose cancel reaches the transport
	 * @param recorded completes as the call did, once its end is written to the store
	 */
	private record Running(CompletableFuture<Object> call, CompletableFuture<Object> recorded) {
	}

	/** A handle on one execution, by id. */
	private final class Handle<T> implements Execution<T> {

		private final String id;

		private final JavaType resultType;

		Handle(String id, JavaType resultType) {
			this.id = id;
			this.resultType = resultType;
		}

		@Override
		public String id() {
			return this.id;
		}

		@Override
		public ExecutionRecord record() {
			return lookup(this.id).orElseThrow(this::gone);
		}

		private ExecutionException gone() {
			return new ExecutionException("Execution " + this.id
					+ " is no longer known: its record expired (execution.executions.retention)");
		}

		@Override
		@SuppressWarnings("unchecked")
		public T await(Duration timeout) {
			long end = System.nanoTime() + timeout.toNanos();
			Running running = DefaultExecutions.this.running.get(this.id);
			if (running != null) {
				CompletableFuture<Object> future = running.recorded();
				try {
					Object value = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
					return (T) ((value == null || this.resultType.getRawClass().isInstance(value)) ? value
							: DefaultExecutions.this.mapper.convertValue(value, this.resultType));
				}
				catch (TimeoutException ex) {
					// The side that ran it may have recorded the end before its answer reached this process.
					ExecutionRecord record = record();
					if (!record.status().isFinished()) {
						throw stillRunning(timeout);
					}
					return outcome(record);
				}
				catch (CancellationException ex) {
					throw new ExecutionCancelledException("Execution " + this.id + " was cancelled");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new ExecutionCancelledException(
							"Waiting for execution " + this.id + " was interrupted; the execution goes on");
				}
				catch (java.util.concurrent.ExecutionException ex) {
					throw Futures.propagate(ex.getCause());
				}
			}
			// Not followed here (found by id): wait on the record, one change at a time.
			ExecutionRecord record = record();
			while (!record.status().isFinished()) {
				long remaining = end - System.nanoTime();
				if (remaining <= 0) {
					throw stillRunning(timeout);
				}
				record = watch(this.id, record.version(), Duration.ofNanos(remaining)).orElseThrow(this::gone);
				if (Thread.currentThread().isInterrupted()) {
					throw new ExecutionCancelledException(
							"Waiting for execution " + this.id + " was interrupted; the execution goes on");
				}
			}
			return outcome(record);
		}

		@SuppressWarnings("unchecked")
		private T outcome(ExecutionRecord record) {
			if (record.status() == ExecutionStatus.SUCCEEDED) {
				return (T) bind(record, this.resultType);
			}
			throw record.exception();
		}

		private ExecutionTimeoutException stillRunning(Duration timeout) {
			return new ExecutionTimeoutException("Execution " + this.id + " did not finish within the wait of "
					+ timeout + "; it goes on: await it again or look it up by id");
		}

		@Override
		public boolean cancel() {
			return DefaultExecutions.this.cancel(this.id);
		}

		@Override
		public String toString() {
			return "Execution[" + this.id + "]";
		}

	}

}
