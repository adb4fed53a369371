package io.execution.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.execution.core.CallObserver;
import io.execution.core.ClientMethod;
import io.execution.core.Endpoint;
import io.execution.core.ExecutionEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics: the timer {@code execution.invocations} (tags {@code service},
 * {@code method}, {@code mode}, {@code outcome}) for every call when calls are not observed (when
 * they are, the timer is the observation's, with the same name and tags), and gauges
 * {@code execution.queue.depth}, {@code execution.queue.oldest.age} (seconds) and
 * {@code execution.workers.live} per queue.
 */
public final class ExecutionMetrics implements CallObserver, ExecutionEvents, MeterBinder {

	private final MeterRegistry registry;

	private final ExecutionReport report;

	private final boolean timed;

	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Makes the metrics.
	 * @param registry the meter registry
	 * @param report reads queue and worker figures
	 * @param timed whether calls are timed here: only when no observation times them
	 */
	public ExecutionMetrics(MeterRegistry registry, ExecutionReport report, boolean timed) {
		this.registry = registry;
		this.report = report;
		this.timed = timed;
	}

	@Override
	public void finished(Endpoint endpoint, ClientMethod method, long durationNanos, Throwable failure) {
		if (!this.timed) {
			return;
		}
		String outcome = CallObserver.outcome(failure);
		Key key = new Key(method, endpoint.mode(), outcome);
		Timer timer = this.timers.get(key);
		if (timer == null) {
			timer = this.timers.computeIfAbsent(key, (k) -> Timer.builder("execution.invocations")
				.description("Calls of @ExecutionClient methods")
				.tag("service", method.service())
				.tag("method", method.name())
				.tag("mode", k.mode())
				.tag("outcome", k.outcome())
				.register(this.registry));
		}
		timer.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retried(String endpoint) {
		this.registry.counter("execution.retries", "endpoint", endpoint).increment();
	}

	@Override
	public void fellBack(String endpoint, String fallback) {
		this.registry.counter("execution.fallbacks", "endpoint", endpoint, "fallback", fallback).increment();
	}

	@Override
	public void redelivered(String queue) {
		this.registry.counter("execution.redeliveries", "queue", queue).increment();
	}

	@Override
	public void deadLettered(String queue) {
		this.registry.counter("execution.dead.letters", "queue", queue).increment();
	}

	@Override
	public void scheduledStarted(String queue, long latenessMillis) {
		Timer.builder("execution.scheduled.lateness")
			.description("How late requests scheduled for later reached their queue")
			.tag("queue", queue)
			.register(this.registry)
			.record(latenessMillis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void cacheHit(String service, String method) {
		this.registry.counter("execution.cache.hits", "service", service, "method", method).increment();
	}

	@Override
	public void cacheMiss(String service, String method) {
		this.registry.counter("execution.cache.misses", "service", service, "method", method).increment();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String queue : this.report.queueNames()) {
			Gauge.builder("execution.queue.depth", this.report, (report) -> report.state(queue).depth())
				.tag("queue", queue)
				.description("Requests in the queue")
				.register(registry);
			Gauge.builder("execution.queue.oldest.age", this.report,
					(report) -> report.state(queue).oldestAge().toMillis() / 1000.0)
				.tag("queue", queue)
				.baseUnit("seconds")
				.description("Age of the oldest request in the queue")
				.register(registry);
			Gauge.builder("execution.queue.scheduled", this.report, (report) -> report.state(queue).scheduled())
				.tag("queue", queue)
				.description("Requests held until they are due")
				.register(registry);
			Gauge.builder("execution.workers.live", this.report, (report) -> report.liveWorkers(queue))
				.tag("queue", queue)
				.description("Live workers of the queue's pool")
				.register(registry);
		}
	}

	private record Key(ClientMethod method, String mode, String outcome) {
	}

}
