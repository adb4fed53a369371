package io.execution.local;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionRejectedException;
import io.execution.RemoteExecutionException;
import io.execution.core.CallChain;
import io.execution.core.ClientMethod;
import io.execution.core.DeadlineWatch;
import io.execution.core.ExecutionTracker;
import io.execution.core.Futures;
import io.execution.core.Invocation;
import io.execution.core.ResultStreams;
import io.execution.core.Transport;
import io.execution.service.ServiceMethod;
import io.execution.service.ServiceRegistry;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs calls in this JVM on the service bean itself, passing argument and result references
 * without serialising them. A synchronous call of a synchronous method runs on the caller's
 * thread, like a method call, and is held to its deadline as in every mode: the deadline watch
 * interrupts it then, and the caller gets {@link io.execution.ExecutionTimeoutException}, even
 * when the method ignores the interrupt and returns later. Every other call starts on the given
 * executor, so a future is returned at once and its deadline holds whatever the method does
 * before it returns.
 */
public final class LocalTransport implements Transport {

	private final String endpoint;

	private final ServiceRegistry services;

	private final JsonMapper mapper;

	private final Executor executor;

	private final Map<ClientMethod, Binding> bindings = new ConcurrentHashMap<>();

	/** Interrupts synchronous calls at their deadline; {@code null} to let them run on. */
	private final DeadlineWatch deadlines;

	/** Holds calls due later until they are due; {@code null} when this transport refuses them. */
	private final ScheduledExecutorService holding;

	/**
	 * Makes the local transport of an endpoint.
	 * @param endpoint the endpoint name
	 * @param services the services of this application
	 * @param mapper converts values when caller and service declare different types
	 * @param executor runs asynchronous calls of synchronous service methods
	 * @param deadlines interrupts synchronous calls at their deadline; {@code null} for none
	 */
	public LocalTransport(String endpoint, ServiceRegistry services, JsonMapper mapper, Executor executor,
			DeadlineWatch deadlines) {
		this(endpoint, services, mapper, executor, deadlines, null);
	}

	/**
	 * Makes the local transport of an endpoint that holds calls due later in this JVM until they
	 * are due ({@code execution.local-only}: what a queue would hold runs in the tests' JVM).
	 * @param endpoint the endpoint name
	 * @param services the services of this application
	 * @param mapper converts values when caller and service declare different types
	 * @param executor runs asynchronous calls of synchronous service methods
	 * @param deadlines interrupts synchronous calls at their deadline; {@code null} for none
	 * @param holding holds calls due later until they are due; {@code null} to refuse them
	 */
	public LocalTransport(String endpoint, ServiceRegistry services, JsonMapper mapper, Executor executor,
			DeadlineWatch deadlines, ScheduledExecutorService holding) {
		this.endpoint = endpoint;
		this.services = services;
		this.mapper = mapper;
		this.executor = executor;
		this.deadlines = deadlines;
		this.holding = holding;
	}

	@Override
	public boolean schedules() {
		return this.holding != null;
	}

	@Override
	public Object invoke(Invocation invocation) {
		Binding binding = binding(invocation.method());
		if (binding.target().async()) {
			// What the method does before it returns its future is not the caller's to wait past its deadline.
			return Futures.await(invokeAsync(invocation), invocation);
		}
		if (this.deadlines == null) {
			return binding.result(binding.call(invocation));
		}
		// No clock read here: the dispatcher sends no call whose deadline has passed (a fallback is walked
		// to only with time left); one that passes from now on is the watch's to act on.
		Interrupter interrupter = new Interrupter(Thread.currentThread());
		DeadlineWatch.Watched watched = this.deadlines.watch(invocation.deadlineNanos(), interrupter);
		Object value;
		try {
			value = binding.call(invocation);
		}
		catch (RuntimeException | Error ex) {
			watched.close();
			if (interrupter.ended()) {
				throw ex;
			}
			throw timedOut(invocation, ex);
		}
		watched.close();
		if (!interrupter.ended()) {
			throw timedOut(invocation, null);
		}
		return binding.result(value);
	}

	/** The call outlived its deadline: the interrupt it was sent is taken back from the caller's thread. */
	private static io.execution.ExecutionTimeoutException timedOut(Invocation invocation, Throwable cause) {
		Thread.interrupted();
		io.execution.ExecutionTimeoutException timeout = Futures.timeout(invocation);
		if (cause != null) {
			timeout.addSuppressed(cause);
		}
		return timeout;
	}

	/**
	 * Interrupts the thread of a synchronous call at its deadline, unless the call ended first;
	 * the call's end waits for an interrupt under way, so that none lands after it.
	 */
	private static final class Interrupter extends java.util.concurrent.atomic.AtomicInteger implements Runnable {

		private static final int RUNNING = 0;

		private static final int INTERRUPTING = 1;

		private static final int INTERRUPTED = 2;

		private static final int ENDED = 3;

		private final transient Thread thread;

		Interrupter(Thread thread) {
			this.thread = thread;
		}

		@Override
		public void run() {
			if (compareAndSet(RUNNING, INTERRUPTING)) {
				this.thread.interrupt();
				set(INTERRUPTED);
			}
		}

		/** Ends the call: {@code true} when it ended before its deadline was acted on. */
		boolean ended() {
			if (compareAndSet(RUNNING, ENDED)) {
				return true;
			}
			while (get() == INTERRUPTING) {
				Thread.onSpinWait();
			}
			return false;
		}

	}

	/**
	 * Starts the call on the executor, never on the caller's thread, so a future method never
	 * blocks its caller, whatever the implementation does before it returns its own future.
	 */
	@Override
	public CompletableFuture<Object> invokeAsync(Invocation invocation) {
		Binding binding = binding(invocation.method());
		boolean async = binding.target().async();
		CompletableFuture<Object> result = new CompletableFuture<>();
		FutureTask<Object> task = new FutureTask<>(() -> async ? binding.future(binding.call(invocation))
				: binding.result(binding.call(invocation))) {
			@Override
			protected void done() {
				try {
					Object value = get();
					if (async) {
						CompletableFuture<?> own = (CompletableFuture<?>) value;
						own.whenComplete((ownValue, failure) -> {
							if (failure != null) {
								result.completeExceptionally(Futures.unwrap(failure));
								return;
							}
							try {
								result.complete(binding.result(ownValue));
							}
							catch (RuntimeException ex) {
								result.completeExceptionally(ex);
							}
						});
						Futures.cancelWith(result, own);
						return;
					}
					result.complete(value);
				}
				catch (CancellationException ex) {
					result.cancel(false);
				}
				catch (java.util.concurrent.ExecutionException ex) {
					result.completeExceptionally(ex.getCause());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					result.completeExceptionally(ex);
				}
			}
		};
		long delay = (this.holding != null) ? invocation.delayNanos() : 0;
		if (delay > 0) {
			// Held in this JVM until due: a cancel before then drops it, and it never runs.
			java.util.concurrent.ScheduledFuture<?> due = this.holding.schedule(() -> {
				try {
					this.executor.execute(task);
				}
				catch (RejectedExecutionException ex) {
					result.completeExceptionally(rejected(invocation, ex));
				}
			}, delay, TimeUnit.NANOSECONDS);
			Futures.cancelWith(result, task);
			result.whenComplete((value, failure) -> due.cancel(false));
			return result;
		}
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			throw rejected(invocation, ex);
		}
		Futures.cancelWith(result, task);
		return result;
	}

	private static ExecutionRejectedException rejected(Invocation invocation, RejectedExecutionException ex) {
		return new ExecutionRejectedException("Local executor refused call " + invocation.method() + ": " + ex.getMessage(),
				ex);
	}

	@Override
	public java.util.stream.Stream<Object> openStream(Invocation invocation) {
		Binding binding = binding(invocation.method());
		java.util.stream.Stream<?> elements;
		try {
			elements = ResultStreams.open(binding.call(invocation));
		}
		catch (IllegalArgumentException ex) {
			throw new io.execution.ExecutionException("Service method " + binding.target() + " does not return a stream"
					+ " of elements, as the client's " + invocation.method() + " expects", ex);
		}
		JavaType element = invocation.method().elementType();
		Class<?> raw = element.getRawClass();
		// The caller pulls from the service's own stream: back-pressure is the pull, and close reaches the producer.
		java.util.Iterator<?> source = elements.iterator();
		java.util.Iterator<Object> converted = new java.util.Iterator<>() {

			@Override
			public boolean hasNext() {
				try {
					return source.hasNext();
				}
				catch (io.execution.ExecutionException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					// What the service's stream throws reaches the caller as a service exception, as in every mode.
					throw new RemoteExecutionException(ex.getClass().getName(), ex.getMessage(), ex);
				}
			}

			@Override
			public Object next() {
				Object value = source.next();
				return (value == null || raw.isInstance(value)) ? value : LocalTransport.this.mapper.convertValue(value,
						element);
			}

		};
		return java.util.stream.StreamSupport
			.stream(java.util.Spliterators.spliteratorUnknownSize(converted, java.util.Spliterator.ORDERED), false)
			.onClose(elements::close);
	}

	private Binding binding(ClientMethod method) {
		Binding binding = this.bindings.get(method);
		if (binding == null) {
			ServiceMethod target = this.services.method(method.service(), method.name(), method.arity());
			binding = this.bindings.computeIfAbsent(method, (key) -> new Binding(key, target, this.mapper));
		}
		return binding;
	}

	@Override
	public String toString() {
		return "LocalTransport[" + this.endpoint + "]";
	}

	/**
	 * A client method bound to the service method it runs, with the conversions needed when
	 * the two sides declare different (but JSON-compatible) types.
	 */
	private record Binding(ClientMethod client, ServiceMethod target, JavaType[] conversions, JsonMapper mapper,
			boolean convertResult) {

		Binding(ClientMethod client, ServiceMethod target, JsonMapper mapper) {
			this(client, target, conversions(client, target), mapper, !client.resultType().getRawClass()
				.isAssignableFrom(resultClass(target)));
		}

		Object call(Invocation invocation) {
			Object[] args = invocation.args();
			if (this.conversions != null) {
				args = args.clone();
				for (int i = 0; i < args.length; i++) {
					if (this.conversions[i] != null && args[i] != null) {
						args[i] = this.mapper.convertValue(args[i], this.conversions[i]);
					}
				}
			}
			CallChain.Serving previous = CallChain.enter(invocation.chain(), invocation.deadlineNanos());
			ExecutionTracker tracker = invocation.tracker();
			ExecutionTracker outer = null;
			if (tracker != null) {
				tracker.running(null);
				outer = ExecutionTracker.enter(tracker);
			}
			try {
				return this.target.invoke(args);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ExecutionCancelledException("Call " + invocation.method() + " [" + invocation.id()
						+ "] was interrupted", ex);
			}
			catch (Throwable ex) {
				throw new RemoteExecutionException(ex.getClass().getName(), ex.getMessage(), ex);
			}
			finally {
				CallChain.restore(previous);
				if (tracker != null) {
					ExecutionTracker.restore(outer);
				}
			}
		}

		CompletableFuture<Object> future(Object result) {
			if (result == null) {
				return CompletableFuture.completedFuture(null);
			}
			CompletableFuture<Object> wrapped = new CompletableFuture<>();
			((CompletionStage<?>) result).whenComplete((value, failure) -> {
				if (failure == null) {
					wrapped.complete(value);
				}
				else {
					Throwable cause = Futures.unwrap(failure);
					wrapped.completeExceptionally((cause instanceof CancellationException) ? cause
							: new RemoteExecutionException(cause.getClass().getName(), cause.getMessage(), cause));
				}
			});
			return wrapped;
		}

		Object result(Object value) {
			return (this.convertResult && value != null) ? this.mapper.convertValue(value, this.client.resultType())
					: value;
		}

		private static JavaType[] conversions(ClientMethod client, ServiceMethod target) {
			JavaType[] from = client.parameterTypes();
			JavaType[] to = target.parameterTypes();
			JavaType[] conversions = new JavaType[to.length];
			boolean any = false;
			for (int i = 0; i < to.length; i++) {
				Class<?> declared = org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(to[i].getRawClass());
				Class<?> passed = org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(from[i].getRawClass());
				if (!declared.isAssignableFrom(passed)) {
					conversions[i] = to[i];
					any = true;
				}
			}
			return any ? conversions : null;
		}

		private static Class<?> resultClass(ServiceMethod target) {
			Class<?> raw = target.method().getReturnType();
			if (target.async()) {
				java.lang.reflect.Type generic = target.method().getGenericReturnType();
				if (generic instanceof java.lang.reflect.ParameterizedType parameterized
						&& parameterized.getActualTypeArguments()[0] instanceof Class<?> type) {
					return type;
				}
				return Object.class;
			}
			return org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(raw);
		}

	}

}
