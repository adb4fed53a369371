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
import io.execution.core.ExecutionTimer;
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

	/** The longest idempotency key. */
	public static final int MAX_KEY_LENGTH = 200;

	private final Dispatcher dispatcher;

	private final ExecutionRecorder recorder;

	private final ExecutionClientFactory methods;

	private final JsonMapper mapper;

	private final Map<String, Running> running = new ConcurrentHashMap<>();

	/** Set when the application closes: calls refused from then on are this process going away. */
	private volatile boolean closing;

	private final IdempotencyKeys keys;

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
		this.keys = new IdempotencyKeys(recorder.store());
	}

	/**
	 * The store the records are kept in.
	 * @return the store
	 */
	public ExecutionStore store() {
		return this.recorder.store();
	}

	/**
	 * The time an execution of a method may take.
	 * @param method the client method
	 * @param timeout the execution's own timeout, or {@code null}
	 * @return that timeout, or else its endpoint's
	 */
	public Duration timeout(ClientMethod method, Duration timeout) {
		return (timeout != null) ? timeout
				: Duration.ofNanos(this.dispatcher.endpoints().resolve(method.service()).timeoutNanos());
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
	public <T> Execution<T> start(Duration timeout, Supplier<T> call) {
		return new Keyed(null, IfExists.RETURN_EXISTING).start(timeout, call);
	}

	@Override
	public <T> Execution<T> startAsync(Supplier<? extends java.util.concurrent.CompletionStage<T>> call) {
		return new Keyed(null, IfExists.RETURN_EXISTING).startAsync(call);
	}

	@Override
	public Execution<Void> start(Runnable call) {
		return new Keyed(null, IfExists.RETURN_EXISTING).start(call);
	}

	@Override
	public <T> Execution<T> startAt(Instant at, Supplier<T> call) {
		return new Keyed(null, IfExists.RETURN_EXISTING).startAt(at, call);
	}

	@Override
	public Executions withKey(String key, IfExists ifExists) {
		if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH
				|| key.chars().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("An idempotency key is 1 to " + MAX_KEY_LENGTH
					+ " characters, not blank, without control characters: " + ((key == null) ? "null" : "'" + key + "'"));
		}
		return new Keyed(key, (ifExists != null) ? ifExists : IfExists.RETURN_EXISTING);
	}

	@Override
	public Optional<Execution<Object>> findByKey(String key) {
		return this.recorder.store().holder(key).flatMap(this::find);
	}

	@Override
	public java.util.List<ExecutionRecord> list(ExecutionQuery query) {
		return this.recorder.store().list(query);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <I, T> Batch<T> startAll(java.util.List<I> items, java.util.function.Function<I, T> call) {
		if (items == null || items.isEmpty()) {
			throw new IllegalArgumentException("A batch needs at least one item");
		}
		// Every call is captured before any starts: an item the function cannot call starts nothing.
		java.util.List<CapturedCall> calls = items.stream()
			.map((item) -> CapturedCall.capture(() -> call.apply(item)))
			.toList();
		java.util.List<Execution<T>> started = new java.util.ArrayList<>(calls.size());
		for (CapturedCall captured : calls) {
			started.add((Execution<T>) start(captured.method(), captured.args(), null, null, IfExists.RETURN_EXISTING,
					null));
		}
		String id = UUID.randomUUID().toString();
		this.recorder.store().createBatch(id, started.stream().map(Execution::id).toList());
		logger.debug("Batch {} of {} executions started", id, started.size());
		return new ExecutionBatch<>(id, started, this);
	}

	@Override
	public Optional<Batch<Object>> findBatch(String id) {
		return this.recorder.store().findBatch(id).map((ids) -> {
			java.util.List<Execution<Object>> executions = ids.stream()
				.map((execution) -> find(execution).orElseGet(() -> new Handle<>(execution,
						this.mapper.constructType(Object.class))))
				.toList();
			return new ExecutionBatch<>(id, executions, this);
		});
	}

	/** Starts executions with an idempotency key, or none. */
	/**
	 * The application closes: executions it started go on where they run (a queue's workers
	 * write how they end), so the refusals its closing transports give its waiting callers are
	 * not written as their outcome.
	 */
	public void close() {
		this.closing = true;
	}

	private final class Keyed implements Executions {

		private final String key;

		private final IfExists ifExists;

		Keyed(String key, IfExists ifExists) {
			this.key = key;
			this.ifExists = ifExists;
		}

		@Override
		public <T> Execution<T> start(Supplier<T> call) {
			return start(null, call);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> Execution<T> start(Duration timeout, Supplier<T> call) {
			CapturedCall captured = CapturedCall.capture(call::get);
			return (Execution<T>) DefaultExecutions.this.start(captured.method(), captured.args(), timeout, this.key,
					this.ifExists, null);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> Execution<T> startAsync(Supplier<? extends java.util.concurrent.CompletionStage<T>> call) {
			CapturedCall captured = CapturedCall.capture(call::get);
			return (Execution<T>) DefaultExecutions.this.start(captured.method(), captured.args(), null, this.key,
					this.ifExists, null);
		}

		@Override
		@SuppressWarnings("unchecked")
		public Execution<Void> start(Runnable call) {
			CapturedCall captured = CapturedCall.capture(call);
			return (Execution<Void>) (Execution<?>) DefaultExecutions.this.start(captured.method(), captured.args(),
					null, this.key, this.ifExists, null);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> Execution<T> startAt(Instant at, Supplier<T> call) {
			CapturedCall captured = CapturedCall.capture(call::get);
			return (Execution<T>) DefaultExecutions.this.start(captured.method(), captured.args(), null, this.key,
					this.ifExists, at);
		}

		@Override
		public Executions withKey(String key, IfExists ifExists) {
			return DefaultExecutions.this.withKey(key, ifExists);
		}

		@Override
		public Optional<Execution<Object>> find(String id) {
			return DefaultExecutions.this.find(id);
		}

		@Override
		public <T> Optional<Execution<T>> find(String id, Class<T> resultType) {
			return DefaultExecutions.this.find(id, resultType);
		}

		@Override
		public Optional<Execution<Object>> findByKey(String key) {
			return DefaultExecutions.this.findByKey(key);
		}

		@Override
		public java.util.List<ExecutionRecord> list(ExecutionQuery query) {
			return DefaultExecutions.this.list(query);
		}

		@Override
		public <I, T> Batch<T> startAll(java.util.List<I> items, java.util.function.Function<I, T> call) {
			if (this.key != null) {
				throw new IllegalArgumentException("A batch has no idempotency key: give each item its own start");
			}
			return DefaultExecutions.this.startAll(items, call);
		}

		@Override
		public Optional<Batch<Object>> findBatch(String id) {
			return DefaultExecutions.this.findBatch(id);
		}

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
		return start(method, args, timeout, null, IfExists.RETURN_EXISTING, null);
	}

	/**
	 * Starts a call of a client method as an execution, at most once per idempotency key.
	 * @param method the client method
	 * @param args the arguments, of its parameter types
	 * @param timeout the time it may take; {@code null} for its endpoint's timeout
	 * @param key the idempotency key, or {@code null}
	 * @param ifExists what to do when an execution holds the key
	 * @param at when it is due; {@code null} for now
	 * @return the execution: a new one, or the one that holds the key
	 */
	public Execution<Object> start(ClientMethod method, Object[] args, Duration timeout, String key,
			IfExists ifExists, Instant at) {
		if (method.streaming()) {
			throw new IllegalArgumentException("Streaming method " + method + " cannot be started as an execution:"
					+ " call it and consume its stream, or start a method that returns the collected result");
		}
		String id = UUID.randomUUID().toString();
		Endpoint endpoint = this.dispatcher.endpoints().resolve(method.service());
		if (key != null) {
			Optional<String> existing = this.keys.claim(method, key, id, ifExists);
			if (existing.isPresent()) {
				return new Handle<>(existing.get(), method.resultType());
			}
		}
		Instant now = Instant.now();
		long delayNanos = (at != null) ? Math.max(0, Duration.between(now, at).toNanos()) : 0;
		if (delayNanos > 0 && !endpoint.transport().schedules()) {
			throw new IllegalArgumentException("Execution of " + method + " is due at " + at + ", but endpoint '"
					+ endpoint.name() + "' is in " + endpoint.mode() + " mode: only queue endpoints hold calls until they"
					+ " are due (set execution.endpoints." + endpoint.name() + ".queue)");
		}
		ExecutionRecord record = ExecutionRecord.pending(id, method.service(), method.name(), method.arity(),
				endpoint.name(), endpoint.mode(), now).withKey(key);
		this.recorder.store().create((delayNanos > 0) ? record.scheduled() : record);
		CompletableFuture<Object> future = this.dispatcher.callAsync(method, args, id,
				(timeout != null) ? timeout.toNanos() : 0, this.recorder.tracker(id), delayNanos);
		Running running = new Running(future, new CompletableFuture<>());
		this.running.put(id, running);
		future.whenComplete((value, failure) -> {
			this.running.remove(id, running);
			try {
				if (failure != null && this.closing && Futures.unwrap(failure) instanceof ExecutionRejectedException) {
					// This process stops waiting, not the execution: its worker writes how it ends.
					logger.info("Execution {} of {} goes on without this process, which is closing", id, method);
				}
				else if (failure == null) {
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
	/**
	 * The future that completes once an execution started and followed here has its end written.
	 * @param id the execution's id
	 * @return the future, or {@code null} when this process does not follow it
	 */
	CompletableFuture<Object> recorded(String id) {
		Running running = this.running.get(id);
		return (running != null) ? running.recorded() : null;
	}

	/**
	 * The timer of the dispatcher, for those that look again later.
	 * @return the timer
	 */
	ExecutionTimer timer() {
		return this.dispatcher.timer();
	}

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
