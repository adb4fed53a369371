package io.execution.worker;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.execution.ExecutionClient;
import io.execution.async.ExecutionRecord;
import io.execution.registry.WorkerInfo;

/**
 * The operations every Execution application answers, on every transport, as the built-in
 * service {@value #SERVICE}: ping, capabilities, the status of an execution, drain and resume.
 * Inject it as a client and give its endpoint a mode to ask a pool over a queue, or an instance
 * over HTTP:
 * <pre>
 * execution.endpoints.execution-worker.mode: queue
 * execution.endpoints.execution-worker.queue: render-pool     # one worker of that pool answers
 * </pre>
 * Over HTTP the same answers are at {@code GET {path}/v1/ping} and
 * {@code GET {path}/v1/capabilities}, and {@code POST {path}/v1/invocations} runs any of them.
 */
@ExecutionClient(WorkerOperations.SERVICE)
public interface WorkerOperations {

	/** The name of the built-in service. */
	String SERVICE = "execution-worker";

	/**
	 * Answers at once.
	 * @return who answered, and when
	 */
	Pong ping();

	/**
	 * What this application offers.
	 * @return its services and methods, tags, pools and limits
	 */
	Capabilities capabilities();

	/**
	 * The record of an execution, from this application's execution store.
	 * @param executionId the id
	 * @return the record, or {@code null} when unknown
	 */
	ExecutionRecord status(String executionId);

	/**
	 * Stops taking work from the queues (running calls finish within the grace period); the
	 * application stays up and its readiness turns to refusing traffic.
	 * @return the pools after the drain
	 */
	Capabilities drain();

	/**
	 * Takes work again after a drain.
	 * @return the pools after the resume
	 */
	Capabilities resume();

	/**
	 * The answer to a ping.
	 *
	 * @param worker the process that answered
	 * @param time its clock
	 * @param version the version of Execution it runs
	 */
	record Pong(String worker, Instant time, String version) {
	}

	/**
	 * What an application offers.
	 *
	 * @param worker the process
	 * @param version the version of Execution it runs
	 * @param services its services and their methods
	 * @param tags the capabilities it advertises ({@code execution.worker.tags})
	 * @param pools its worker pools, empty when it runs none
	 * @param draining whether its pools were drained
	 * @param limits its limits
	 */
	record Capabilities(String worker, String version, List<WorkerInfo.Service> services, Map<String, String> tags,
			List<WorkerInfo.Pool> pools, boolean draining, Map<String, Object> limits) {
	}

}
