package io.execution.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code execution} health contributor.
 */
@ConfigurationProperties("execution.health")
public class ExecutionHealthProperties {

	/**
	 * Whether an endpoint whose circuit breaker is open makes the application DOWN. Off by
	 * default: the open circuit shows in the details, and one failing dependency does not
	 * take the whole application out of its load balancer.
	 */
	private boolean downOnOpenCircuit;

	/**
	 * Whether a queue without a live worker makes the application DOWN.
	 */
	private boolean downOnEmptyPool;

	public boolean isDownOnOpenCircuit() {
		return this.downOnOpenCircuit;
	}

	public void setDownOnOpenCircuit(boolean downOnOpenCircuit) {
		this.downOnOpenCircuit = downOnOpenCircuit;
	}

	public boolean isDownOnEmptyPool() {
		return this.downOnEmptyPool;
	}

	public void setDownOnEmptyPool(boolean downOnEmptyPool) {
		this.downOnEmptyPool = downOnEmptyPool;
	}

}
