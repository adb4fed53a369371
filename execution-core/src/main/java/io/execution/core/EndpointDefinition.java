package io.execution.core;

import java.time.Duration;
import java.util.List;

/**
 * The settings every endpoint has, whatever its mode. Mode-specific settings (a queue name,
 * URLs) are read by the mode's own {@link TransportFactory}.
 *
 * @param name the endpoint's name: the service name it serves, or another name for an endpoint
 * used as a fallback
 * @param mode the mode, such as {@code local}, {@code http} or {@code queue}
 * @param timeout the deadline of one call, end to end
 * @param fallbacks the endpoints tried, in order, when this one fails
 * @param address where the calls go when given directly (a URL, a queue), or {@code null} for
 * what the mode's settings of this name say
 * @param failsUnserved whether a call fails at once while its transport knows nothing would serve
 * it ({@code execution.endpoints.<name>.when-unserved: fail}), instead of waiting
 * @param retryFailed how calls whose service threw run again ({@code
 * execution.endpoints.<name>.retry-failed}), or {@code null} for never
 */
public record EndpointDefinition(String name, String mode, Duration timeout, List<String> fallbacks, String address,
		boolean failsUnserved, RetryPolicy retryFailed) {

	public EndpointDefinition(String name, String mode, Duration timeout) {
		this(name, mode, timeout, List.of(), null, false, null);
	}

	public EndpointDefinition(String name, String mode, Duration timeout, List<String> fallbacks) {
		this(name, mode, timeout, fallbacks, null, false, null);
	}

	/**
	 * The same endpoint, whose calls that failed in the service run again by the policy.
	 * @param policy the policy, or {@code null} for none
	 * @return the endpoint retrying so
	 */
	public EndpointDefinition retryingFailed(RetryPolicy policy) {
		return new EndpointDefinition(this.name, this.mode, this.timeout, this.fallbacks, this.address,
				this.failsUnserved, policy);
	}

	/**
	 * The same endpoint, whose calls fail at once while its transport knows that nothing would
	 * serve them (a queue no live worker serves), instead of waiting up to their timeout.
	 * @return the endpoint failing so
	 */
	public EndpointDefinition failingUnserved() {
		return new EndpointDefinition(this.name, this.mode, this.timeout, this.fallbacks, this.address, true,
				this.retryFailed);
	}

	/**
	 * The same endpoint, sent to one address given here rather than configured under its name:
	 * a URL for {@code http}, a queue for {@code queue} (how one worker is addressed by id).
	 * @param address the address
	 * @return the endpoint at that address
	 */
	public EndpointDefinition at(String address) {
		return new EndpointDefinition(this.name, this.mode, this.timeout, this.fallbacks, address, this.failsUnserved,
				this.retryFailed);
	}

}
