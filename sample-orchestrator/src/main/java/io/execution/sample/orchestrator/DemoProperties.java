package io.execution.sample.orchestrator;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the demo sends.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

	/**
	 * Calls sent through each endpoint.
	 */
	private int calls = 2000;

	/**
	 * Calls in flight at once.
	 */
	private int concurrency = 16;

	/**
	 * Endpoints to exercise, in order: any of primes, inventory, payments.
	 */
	private List<String> endpoints = new ArrayList<>(List.of("primes", "inventory", "payments"));

	/**
	 * Whether to exit once the table is printed; false to keep serving.
	 */
	private boolean exit = true;

	/**
	 * Whether the demo sends its batches again and again (with the console, for live charts)
	 * instead of once.
	 */
	private boolean repeat;

	public boolean isRepeat() {
		return this.repeat;
	}

	public void setRepeat(boolean repeat) {
		this.repeat = repeat;
	}

	/**
	 * Bound of the long job the demo starts as an execution and follows; 0 skips it.
	 */
	private int jobUpTo = 200_000_000;

	public int getJobUpTo() {
		return this.jobUpTo;
	}

	public void setJobUpTo(int jobUpTo) {
		this.jobUpTo = jobUpTo;
	}

	public int getCalls() {
		return this.calls;
	}

	public void setCalls(int calls) {
		this.calls = calls;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public boolean isExit() {
		return this.exit;
	}

	public void setExit(boolean exit) {
		this.exit = exit;
	}

}
