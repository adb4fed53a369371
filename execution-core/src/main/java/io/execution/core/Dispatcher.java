package io.execution.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.execution.AllEndpointsFailedException;
import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.observation.DefaultExecutionClientObservationConvention;
import io.execution.observation.ExecutionClientContext;
import io.execution.observation.ExecutionClientObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The middle of Execution: takes each call of a client method, finds its endpoint and hands the
 * invocation to that endpoint's transport, keeping the call's deadline and chain. When the
 * endpoint itself fails ({@link EndpointFailure}) it tries the endpoint's fallbacks in order.
 * It knows transports only through {@link Transport}.
 */
public final class Dispatcher implements AutoCloseable {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);

	private final Endpoints endpoints;

	private final ExecutionTimer timer;

	/** Whether this dispatcher made its timer, and so closes it. */
	private final boolean ownsTimer;

	private final CallObserver[] observers;

	private final ObservationRegistry observations;

	private final ExecutionEvents events;

	private final ExecutionClientObservationConvention convention;

	/** The result cache stage; {@code null} when nothing is cached. */
	private final CacheStage cache;

	private static final ExecutionClientObservationConvention DEFAULT_CONVENTION = new DefaultExecutionClientObservationConvention();

	/**
	 * Makes a dispatcher over the given endpoints.
	 * @param endpoints the endpoints
	 */
	public Dispatcher(Endpoints endpoints) {
		this(endpoints, List.of());
	}

	/**
	 * Makes a dispatcher over the given endpoints that tells observers of every call.
	 * @param endpoints the endpoints
	 * @param observers told of every finished call
	 */
	public Dispatcher(Endpoints endpoints, List<? extends CallObserver> observers) {
		this(endpoints, observers, ObservationRegistry.NOOP, ExecutionEvents.NONE, null);
	}

	/**
	 * Makes a dispatcher that also makes an observation of every call, whose trace context
	 * travels with the call.
	 * @param endpoints the endpoints
	 * @param observers told of every finished call
	 * @param observations the observation registry
	 * @param events hears of fallbacks
	 * @param timer fires the calls' deadlines; {@code null} for one of its own, closed with it
	 */
	public Dispatcher(Endpoints endpoints, List<? extends CallObserver> observers, ObservationRegistry observations,
			ExecutionEvents events, ExecutionTimer timer) {
		this(endpoints, observers, observations, events, timer, null);
	}

	/**
	 * Makes a dispatcher whose observations take the given convention.
	 * @param endpoints the endpoints
	 * @param observers told of every finished call
	 * @param observations the observation registry
	 * @param events hears of fallbacks
	 * @param timer fires the calls' deadlines; {@code null} for one of its own, closed with it
	 * @param convention names and tags the calls' observations; {@code null} for
	 * {@link DefaultExecutionClientObservationConvention}
	 */
	public Dispatcher(Endpoints endpoints, List<? extends CallObserver> observers, ObservationRegistry observations,
			ExecutionEvents events, ExecutionTimer timer, ExecutionClientObservationConvention convention) {
		this(endpoints, observers, observations, events, timer, convention, null, null);
	}

	/**
	 * Makes a dispatcher that also answers {@link io.execution.CacheResult} methods from a cache.
	 * @param endpoints the endpoints
	 * @param observers told of every finished call
	 * @param observations the observation registry
	 * @param events hears of fallbacks, cache hits and misses
	 * @param timer fires the calls' deadlines; {@code null} for one of its own, closed with it
	 * @param convention names and tags the calls' observations; {@code null} for the default
	 * @param cache keeps cached results; {@code null} to cache nothing
	 * @param mapper writes arguments (the cache key) and results as JSON
	 */
	public Dispatcher(Endpoints endpoints, List<? extends CallObserver> observers, ObservationRegistry observations,
			ExecutionEvents events, ExecutionTimer timer, ExecutionClientObservationConvention convention,
			ResultCache cache, JsonMapper mapper) {
		this.cache = (cache != null) ? new CacheStage(cache, mapper, events, endpoints) : null;
		this.convention = convention;
		this.endpoints = endpoints;
		this.events = events;
		this.ownsTimer = timer == null;
		this.timer = (timer != null) ? timer : new ExecutionTimer();
		this.observations = observations;
		this.observers = observers.toArray(CallObserver[]::new);
	}

	/**
	 * The timer that fires this dispatcher's deadlines, for others that wait on the same clock.
	 * @return the timer
	 */
	public ExecutionTimer timer() {
		return this.timer;
	}

	/**
	 * The endpoints this dispatcher routes to.
	 * @return the endpoints
	 */
	public Endpoints endpoints() {
		return this.endpoints;
	}

	/**
	 * Calls a method and waits for the result until the endpoint's timeout, or until the deadline
	 * of the call this thread serves when that comes first.
	 * @param method the client method
	 * @param args the arguments
	 * @return the result
	 */
	public Object call(ClientMethod method, Object[] args) {
		if (method.cacheFor() != null && this.cache != null) {
			return this.cache.call(method, args, () -> dispatch(method, args));
		}
		return dispatch(method, args);
	}

	private Object dispatch(ClientMethod method, Object[] args) {
		Endpoint endpoint = this.endpoints.resolve(method.service());
		CallChain.Serving serving = CallChain.serving();
		List<String> parent = CallChain.chain(serving);
		long start = System.nanoTime();
		Invocation invocation = invocation(InvocationIds.next(), method, args, endpoint,
				CallChain.deadline(serving, start + endpoint.timeoutNanos()), parent, null, retries(method, endpoint, 0));
		Observation observation = observe(invocation, endpoint);
		Observation.Scope scope = (observation != null) ? observation.openScope() : null;
		CallContext context = CallContext.enter(invocation, endpoint);
		Throwable failure = null;
		try {
			if (invocation.deadlineNanos() - start <= 0) {
				failure = sentNowhere(invocation, parent);
				throw (RuntimeException) failure;
			}
			if (endpoint.fallbacks().isEmpty()) {
				// No fallback to walk to: the endpoint's failure is the caller's.
				try {
					return invoke(endpoint, invocation, false);
				}
				catch (EndpointFailure ex) {
					throw ex.failure();
				}
			}
			return new Chain(endpoint, invocation, parent, null, null).run();
		}
		catch (ExecutionTimeoutException ex) {
			// A call sent nowhere says so already; one that timed out where it was sent is explained.
			failure = (ex == failure) ? ex : explained(endpoint, invocation, ex);
			throw (RuntimeException) failure;
		}
		catch (RuntimeException | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			context.exit();
			if (observation != null) {
				scope.close();
				stop(observation, failure);
			}
			observe(endpoint, method, System.nanoTime() - start, failure);
		}
	}

	/**
	 * A call made while serving another whose deadline has passed (its method went on past it):
	 * no endpoint gets it, in any mode, as it would time out there before it could run. The check
	 * costs no clock read: the call's deadline is the served call's only when that one comes
	 * first, and the call's own start was read just before.
	 */
	private static ExecutionTimeoutException sentNowhere(Invocation invocation, List<String> parent) {
		return new ExecutionTimeoutException("Call " + invocation.method() + " [" + invocation.id()
				+ "] was sent nowhere: the call it was made while serving (through endpoint '"
				+ (parent.isEmpty() ? "?" : parent.get(parent.size() - 1)) + "') had passed its deadline");
	}

	/**
	 * The invocation of one call: its id, arguments, deadline, place in the call chain, a
	 * carrier for the trace context when calls are observed, and its tracker.
	 */
	private Invocation invocation(String id, ClientMethod method, Object[] args, Endpoint endpoint,
			long deadlineNanos, List<String> parent, ExecutionTracker tracker, RetryPolicy.Retries retries) {
		Map<String, String> trace = this.observations.isNoop() ? Map.of() : new HashMap<>();
		return new Invocation(id, method, (args != null) ? args : new Object[0], deadlineNanos,
				CallChain.extend(parent, endpoint.name(), method), trace, tracker, 0, io.execution.CallScope.current(),
				retries);
	}

	/**
	 * How a call runs again when its service throws: only on a queue endpoint, whose worker
	 * schedules the next attempt on the backend; never a stream.
	 * @param attemptNanos for an execution, the time each attempt may take; 0 for a plain call
	 */
	private static RetryPolicy.Retries retries(ClientMethod method, Endpoint endpoint, long attemptNanos) {
		if ((method.retry() == null && endpoint.definition().retryFailed() == null) || method.streaming()
				|| !"queue".equals(endpoint.mode())) {
			return null;
		}
		RetryPolicy policy = RetryPolicy.of(method, endpoint.definition());
		return (policy != null) ? new RetryPolicy.Retries(policy, 1, TimeUnit.NANOSECONDS.toMillis(attemptNanos)) : null;
	}

	/**
	 * Calls a streaming method: its elements arrive as the service produces them, within the
	 * endpoint's timeout for the whole stream. Closing the stream stops the producer. Streams
	 * are not retried or sent to fallbacks: some elements may have been consumed already.
	 * @param method the client method, {@linkplain ClientMethod#streaming() streaming}
	 * @param args the arguments
	 * @return the elements
	 */
	public java.util.stream.Stream<Object> stream(ClientMethod method, Object[] args) {
		Endpoint endpoint = this.endpoints.resolve(method.service());
		CallChain.Serving serving = CallChain.serving();
		List<String> parent = CallChain.chain(serving);
		long start = System.nanoTime();
		Invocation invocation = invocation(InvocationIds.next(), method, args, endpoint,
				CallChain.deadline(serving, start + endpoint.timeoutNanos()), parent, null, null);
		Observation observation = observe(invocation, endpoint);
		Observation.Scope scope = (observation != null) ? observation.openScope() : null;
		CallContext context = CallContext.enter(invocation, endpoint);
		try {
			if (invocation.deadlineNanos() - start <= 0) {
				throw sentNowhere(invocation, parent);
			}
			java.util.stream.Stream<Object> elements = BreakerStage.openStream(endpoint, invocation);
			return elements.onClose(() -> {
				if (observation != null) {
					stop(observation, null);
				}
				observe(endpoint, method, System.nanoTime() - start, null);
			});
		}
		catch (EndpointFailure ex) {
			finished(observation, endpoint, method, start, ex.failure());
			throw ex.failure();
		}
		catch (RuntimeException | Error ex) {
			finished(observation, endpoint, method, start, ex);
			throw ex;
		}
		finally {
			context.exit();
			if (scope != null) {
				scope.close();
			}
		}
	}

	private void finished(Observation observation, Endpoint endpoint, ClientMethod method, long start,
			Throwable failure) {
		if (observation != null) {
			stop(observation, failure);
		}
		observe(endpoint, method, System.nanoTime() - start, failure);
	}

	/**
	 * Starts the observation of a call, whose tracer writes the trace context into the
	 * invocation's carrier; {@code null} without observations.
	 */
	private Observation observe(Invocation invocation, Endpoint endpoint) {
		if (this.observations.isNoop()) {
			return null;
		}
		ClientMethod method = invocation.method();
		ExecutionClientContext context = new ExecutionClientContext(invocation.trace(), invocation.id(),
				method.service(), method.name(), endpoint.name(), endpoint.mode(), method.streaming());
		return Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.observations)
			.start();
	}

	private static void stop(Observation observation, Throwable failure) {
		if (failure != null) {
			observation.error(failure);
		}
		if (observation.getContext() instanceof ExecutionClientContext context) {
			context.setOutcome(CallObserver.outcome(failure));
		}
		observation.stop();
	}

	private void observe(Endpoint endpoint, ClientMethod method, long nanos, Throwable failure) {
		for (CallObserver observer : this.observers) {
			observer.finished(endpoint, method, nanos, failure);
		}
	}

	/**
	 * Starts a call and returns at once. The future fails with
	 * {@link io.execution.ExecutionTimeoutException} at the deadline; cancelling it cancels the
	 * call where it runs.
	 * @param method the client method
	 * @param args the arguments
	 * @return the result to come
	 */
	public CompletableFuture<Object> callAsync(ClientMethod method, Object[] args) {
		if (method.cacheFor() != null && this.cache != null) {
			return this.cache.callAsync(method, args, () -> callAsync(method, args, InvocationIds.next(), 0, null));
		}
		return callAsync(method, args, InvocationIds.next(), 0, null);
	}

	/**
	 * Starts a call as an execution: with the given id, a tracker that hears where and how it
	 * runs, and optionally its own timeout. Otherwise as {@link #callAsync(ClientMethod, Object[])}.
	 * @param method the client method
	 * @param args the arguments
	 * @param id the invocation id, which is the execution's id
	 * @param timeoutNanos the time the execution may take; 0 or less for the endpoint's timeout
	 * @param tracker hears how the execution goes; {@code null} for a plain call
	 * @return the result to come
	 */
	public CompletableFuture<Object> callAsync(ClientMethod method, Object[] args, String id, long timeoutNanos,
			ExecutionTracker tracker) {
		return callAsync(method, args, id, timeoutNanos, tracker, 0);
	}

	/**
	 * Starts an execution that is due later: it waits on its queue until then (its endpoint must
	 * be in queue mode, on a backend that schedules), and its timeout counts from then. No
	 * fallback takes it: a fallback would run it before it is due.
	 * @param method the client method
	 * @param args the arguments
	 * @param id the invocation id, which is the execution's id
	 * @param timeoutNanos the time it may take once due; 0 or less for the endpoint's timeout
	 * @param tracker hears how the execution goes
	 * @param delayNanos how long from now it is due; 0 for now
	 * @return the result to come
	 */
	public CompletableFuture<Object> callAsync(ClientMethod method, Object[] args, String id, long timeoutNanos,
			ExecutionTracker tracker, long delayNanos) {
		Endpoint endpoint;
		Invocation invocation;
		CallChain.Serving serving = CallChain.serving();
		List<String> parent = CallChain.chain(serving);
		long now;
		try {
			endpoint = this.endpoints.resolve(method.service());
			long timeout = (timeoutNanos > 0) ? timeoutNanos : endpoint.timeoutNanos();
			now = System.nanoTime();
			long delay = Math.max(0, delayNanos);
			RetryPolicy.Retries retries = retries(method, endpoint, (tracker != null) ? timeout : 0);
			// An execution that runs again after failing has the time of every attempt and every wait.
			long deadline = now + delay + ((tracker != null && retries != null)
					? TimeUnit.MILLISECONDS.toNanos(retries.policy().spanMillis(retries.attemptMillis())) : timeout);
			// A call made while serving another ends with it; an execution outlives its caller.
			invocation = invocation(id, method, args, endpoint, (tracker == null) ? CallChain.deadline(serving, deadline) : deadline,
					parent, tracker, retries);
			if (delay > 0) {
				if (!endpoint.transport().schedules()) {
					throw new IllegalArgumentException("Execution " + id + " of " + method + " is due later, but endpoint '"
							+ endpoint.name() + "' is in " + endpoint.mode() + " mode: only queue endpoints hold calls"
							+ " until they are due (set execution.endpoints." + endpoint.name() + ".queue)");
				}
				invocation = new Invocation(invocation.id(), method, invocation.args(), invocation.deadlineNanos(),
						invocation.chain(), invocation.trace(), tracker, now + delay, invocation.scope(),
						invocation.retries());
			}
		}
		catch (ExecutionException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<Object> result = new CompletableFuture<>();
		Observation observation = observe(invocation, endpoint);
		if (observation != null) {
			result.whenComplete((value, failure) -> stop(observation, (failure != null) ? Futures.unwrap(failure) : null));
		}
		if (this.observers.length > 0) {
			long start = System.nanoTime();
			Endpoint observed = endpoint;
			result.whenComplete((value, failure) -> observe(observed, method, System.nanoTime() - start,
					(failure != null) ? Futures.unwrap(failure) : null));
		}
		if (invocation.deadlineNanos() - now <= 0) {
			result.completeExceptionally(sentNowhere(invocation, parent));
			return result;
		}
		AtomicReference<Future<?>> running = new AtomicReference<>();
		Invocation started = invocation;
		new Chain(endpoint, started, parent, result, running).start();
		if (!result.isDone()) {
			// Watched with the others (no timer task, lock or wake-up a call); acted on within 10 ms of it.
			DeadlineWatch.Watched deadline = this.timer.deadlines().watch(started.deadlineNanos(),
					() -> result.completeExceptionally(Futures.timeout(started)));
			result.whenComplete((value, failure) -> {
				deadline.close();
				Future<?> current = running.get();
				if (current != null && !current.isDone()) {
					current.cancel(true);
				}
			});
		}
		return result;
	}

	/**
	 * A call that timed out names the setting of its deadline, whichever side saw it pass first
	 * (the worker's answer says only that it interrupted the call), and says why when its
	 * endpoint knows why it could not serve (a queue no live worker serves).
	 */
	private static RuntimeException explained(Endpoint endpoint, Invocation invocation,
			ExecutionTimeoutException timeout) {
		String message = Futures.timeout(invocation).getMessage();
		String detail = message.equals(timeout.getMessage()) ? "" : " (" + timeout.getMessage() + ")";
		String unavailable;
		try {
			unavailable = endpoint.transport().unavailable();
		}
		catch (RuntimeException ex) {
			unavailable = null;
		}
		if (detail.isEmpty() && unavailable == null) {
			return timeout;
		}
		return new ExecutionTimeoutException(message + detail + ((unavailable != null) ? "; " + unavailable : ""),
				timeout);
	}

	/**
	 * The walk of one call along its endpoint and then its fallbacks, in order, moving on only
	 * when the endpoint failed as an endpoint and the outcome model allows the call elsewhere:
	 * the one fallback path of blocking and asynchronous calls.
	 */
	private final class Chain {

		private final Endpoint primary;

		private final Invocation invocation;

		private final List<String> parent;

		/** The asynchronous call's result; {@code null} for a blocking call. */
		private final CompletableFuture<Object> result;

		private final AtomicReference<Future<?>> running;

		/** Why each endpoint tried so far failed; made on the first failure. */
		private List<Throwable> causes;

		/** 0 for the endpoint itself, then 1, 2, … for its fallbacks. */
		private int index;

		Chain(Endpoint primary, Invocation invocation, List<String> parent, CompletableFuture<Object> result,
				AtomicReference<Future<?>> running) {
			this.primary = primary;
			this.invocation = invocation;
			this.parent = parent;
			this.result = result;
			this.running = running;
		}

		/** A blocking call: walks the chain on this thread; returns the result or throws. */
		Object run() {
			while (true) {
				Endpoint endpoint = endpoint();
				try {
					return invoke(endpoint, sent(endpoint), remains());
				}
				catch (EndpointFailure failure) {
					RuntimeException last = moveOn(failure);
					if (last != null) {
						throw last;
					}
				}
			}
		}

		/** An asynchronous call: starts the current endpoint; its answer moves the chain on. */
		void start() {
			CompletableFuture<Object> attempt;
			try {
				Endpoint endpoint = endpoint();
				Invocation sent = sent(endpoint);
				String unavailable = unserved(endpoint, remains());
				attempt = (unavailable != null) ? CompletableFuture.failedFuture(passedOver(endpoint, sent, unavailable))
						: BreakerStage.invokeAsync(endpoint, sent);
			}
			catch (RuntimeException ex) {
				attempt = CompletableFuture.failedFuture(ex);
			}
			this.running.set(attempt);
			if (this.result.isDone()) {
				attempt.cancel(true);
				return;
			}
			attempt.whenComplete((value, failure) -> {
				if (failure == null) {
					this.result.complete(value);
					return;
				}
				Throwable cause = Futures.unwrap(failure);
				if (!(cause instanceof EndpointFailure endpointFailure)) {
					this.result.completeExceptionally(cause);
					return;
				}
				RuntimeException last = this.result.isDone() ? endpointFailure.failure() : moveOn(endpointFailure);
				if (last != null) {
					this.result.completeExceptionally(last);
				}
				else {
					start();
				}
			});
		}

		/**
		 * After the current endpoint failed: {@code null} when the chain goes on to the next
		 * endpoint, else what the caller gets.
		 */
		private RuntimeException moveOn(EndpointFailure failure) {
			if (this.causes == null) {
				this.causes = new ArrayList<>(2);
			}
			this.causes.add(failure.failure());
			if (!remains() || !mayTryElsewhere(failure, this.invocation)) {
				return exhausted(this.primary, this.invocation, this.causes, failure);
			}
			this.index++;
			return null;
		}

		/** The current endpoint; reaching a fallback is an event. */
		private Endpoint endpoint() {
			if (this.index == 0) {
				return this.primary;
			}
			String name = this.primary.fallbacks().get(this.index - 1);
			Endpoint next = Dispatcher.this.endpoints.resolve(name);
			Dispatcher.this.events.fellBack(this.primary.name(), name);
			return next;
		}

		private Invocation sent(Endpoint endpoint) {
			return (this.index == 0) ? this.invocation
					: this.invocation.withChain(CallChain.extend(this.parent, endpoint.name(), this.invocation.method()));
		}

		/** Whether a fallback remains after the current endpoint; never for a call due later. */
		private boolean remains() {
			return this.invocation.dueNanos() == 0 && this.index < this.primary.fallbacks().size();
		}

	}

	/**
	 * Sends a call to one endpoint of its chain. While a fallback remains, an endpoint that knows
	 * it cannot serve now (a queue no live worker serves) is passed over: the call surely never ran.
	 */
	private Object invoke(Endpoint endpoint, Invocation invocation, boolean fallbackRemains) {
		String unavailable = unserved(endpoint, fallbackRemains);
		if (unavailable != null) {
			throw passedOver(endpoint, invocation, unavailable);
		}
		return BreakerStage.invoke(endpoint, invocation);
	}

	/** The last reason each queue endpoint gave that nothing serves it; absent while served. */
	private final Map<String, String> unserved = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Why a call to this endpoint would not be served now, when it should not be sent: a fallback
	 * remains, or the endpoint fails such calls at once ({@code when-unserved: fail}). A queue
	 * endpoint is asked on every call (the backend keeps the answer for a second) so that the
	 * first call finding its queue unserved logs a warning, and a change logs again.
	 * @return the reason, or {@code null} to send the call
	 */
	private String unserved(Endpoint endpoint, boolean fallbackRemains) {
		boolean queue = "queue".equals(endpoint.mode());
		if (!queue && !fallbackRemains) {
			return null;
		}
		String reason = endpoint.transport().unavailable();
		if (queue) {
			// Served, as nearly always: no write on the call's path.
			String before = (reason != null) ? this.unserved.put(endpoint.name(), reason)
					: this.unserved.isEmpty() ? null : this.unserved.remove(endpoint.name());
			if (reason != null && !reason.equals(before)) {
				logger.warn("Endpoint '{}': {}; its calls {}", endpoint.name(), reason,
						endpoint.definition().failsUnserved() ? "fail at once (when-unserved: fail)"
								: "wait for a worker up to their timeout (set execution.endpoints." + endpoint.name()
										+ ".when-unserved=fail to fail them at once)");
			}
			else if (reason == null && before != null) {
				logger.info("Endpoint '{}': its queue is served again", endpoint.name());
			}
		}
		return (reason != null && (fallbackRemains || endpoint.definition().failsUnserved())) ? reason : null;
	}

	private static EndpointFailure passedOver(Endpoint endpoint, Invocation invocation, String reason) {
		return new EndpointFailure(new ExecutionRejectedException("Endpoint '" + endpoint.name() + "' cannot serve call "
				+ invocation.method() + " [" + invocation.id() + "] now: " + reason), false);
	}

	private static boolean mayTryElsewhere(EndpointFailure failure, Invocation invocation) {
		return CallOutcome.of(failure).mayTryAgain(invocation.method().idempotent()) && invocation.remainingNanos() > 0;
	}

	private static RuntimeException exhausted(Endpoint endpoint, Invocation invocation, List<Throwable> causes,
			EndpointFailure last) {
		if (causes.size() <= 1) {
			return last.failure();
		}
		return new AllEndpointsFailedException("Call " + invocation.method() + " [" + invocation.id()
				+ "] failed on endpoint '" + endpoint.name() + "' and its fallbacks " + endpoint.fallbacks(), causes);
	}

	@Override
	public void close() {
		if (this.ownsTimer) {
			this.timer.close();
		}
		this.endpoints.close();
	}

}
