package io.execution.http;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One instance behind an endpoint, at one URL: its circuit breaker (passive ejection), the
 * verdict of the last active health check, the calls in flight and a peak-EWMA latency.
 */
public final class Instance {

	private final URI url;

	/** Where calls are sent: parsed once, not on every call. */
	private final URI invocations;

	private final CircuitBreaker breaker;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final PeakEwma latency = new PeakEwma();

	private volatile boolean healthy = true;

	private volatile boolean answered;

	/**
	 * Makes an instance.
	 * @param url its base URL
	 * @param breaker its circuit breaker
	 */
	public Instance(URI url, CircuitBreaker breaker) {
		this.url = url;
		this.invocations = URI.create(url + HttpTransport.INVOCATIONS);
		this.breaker = breaker;
	}

	/**
	 * The instance's base URL.
	 * @return the URL
	 */
	public URI url() {
		return this.url;
	}

	/**
	 * The instance's invocations route ({@value HttpTransport#INVOCATIONS} under its base URL).
	 * @return the URL calls are sent to
	 */
	public URI invocations() {
		return this.invocations;
	}

	/**
	 * The instance's circuit breaker.
	 * @return the breaker
	 */
	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/**
	 * Whether the last health check passed (true until one fails).
	 * @return the health verdict
	 */
	public boolean healthy() {
		return this.healthy;
	}

	/**
	 * Records a health check's verdict.
	 * @param healthy whether it passed
	 * @return whether the verdict changed
	 */
	public boolean healthy(boolean healthy) {
		boolean changed = this.healthy != healthy;
		this.healthy = healthy;
		if (healthy) {
			this.answered = true;
		}
		return changed;
	}

	/**
	 * Whether a health check of this instance ever passed: one that never did is not up yet (or
	 * misnamed), which is no news while the application starts; one that did has gone down.
	 * @return {@code true} once a check passed
	 */
	public boolean everHealthy() {
		return this.answered;
	}

	/**
	 * Whether the breaker is open: it refuses calls until Resilience4j's open wait is over, when
	 * the next permission asked for ({@code tryAcquirePermission}) makes it half-open.
	 * @return {@code true} while the breaker is open or forced open
	 */
	public boolean open() {
		CircuitBreaker.State state = this.breaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	/**
	 * The calls in flight to this instance.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * A call to this instance starts.
	 * @return the start time, for {@link #finished}
	 */
	public long started() {
		this.inFlight.incrementAndGet();
		return System.nanoTime();
	}

	/**
	 * A call to this instance finished (however it ended).
	 * @param startNanos what {@link #started} returned
	 * @return the call's duration in nanoseconds
	 */
	public long finished(long startNanos) {
		this.inFlight.decrementAndGet();
		long elapsed = System.nanoTime() - startNanos;
		this.latency.observe(elapsed);
		return elapsed;
	}

	/**
	 * The peak-EWMA latency estimate.
	 * @return nanoseconds
	 */
	public double latencyNanos() {
		return this.latency.get();
	}

	@Override
	public String toString() {
		return this.url.toString();
	}

}
