package io.execution.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A worker process as the registry knows it.
 *
 * @param id the worker's id, unique per process
 * @param host the host it runs on
 * @param pools its pools, one per queue
 * @param tags its capabilities, as configured ({@code execution.worker.tags})
 * @param version the version of Execution it runs
 * @param startedAt when it started
 * @param lastHeartbeat its last heartbeat, by the registry's clock (Redis' for the redis backend)
 * @param stale whether it missed heartbeats (it is removed once it missed several)
 * @param services the services it offers, with their methods
 * @param url the base URL of its HTTP routes when it serves over HTTP, else {@code null}
 * @param application the name of its application ({@code spring.application.name}), or
 * {@code null} when it has none (or runs an earlier version)
 */
public record WorkerInfo(String id, String host, List<Pool> pools, Map<String, String> tags, String version,
		Instant startedAt, Instant lastHeartbeat, boolean stale, List<Service> services, String url,
		String application) {

	/**
	 * One pool of a worker.
	 *
	 * @param queue the queue it serves
	 * @param concurrency how many calls it runs at once
	 * @param inFlight calls running now
	 * @param completed calls answered: with a result or with the service's own exception
	 * @param failed calls that failed by the one outcome model (timed out, refused, may have run;
	 * a cancelled call is neither)
	 * @param accepting whether it takes work (not while draining on shutdown)
	 * @param successRate the share of its calls that did not fail, 1.0 before any
	 * @param p50Millis the median time from take to answer over its recent calls
	 * @param p99Millis the 99th percentile of that time
	 * @param outcomes its calls by outcome ({@code succeeded}, {@code serviceException},
	 * {@code cancelled}, {@code rejected}, {@code neverRan}, {@code mayHaveRun}, {@code timedOut}),
	 * counted since the process started, across drains
	 */
	public record Pool(String queue, int concurrency, int inFlight, long completed, long failed, boolean accepting,
			double successRate, double p50Millis, double p99Millis, Map<String, Long> outcomes) {

		/**
		 * A pool described without latency (as a worker of an earlier version sends it).
		 * @param queue the queue it serves
		 * @param concurrency how many calls it runs at once
		 * @param inFlight calls running now
		 * @param completed calls answered
		 * @param failed calls that failed
		 * @param accepting whether it takes work
		 */
		public Pool(String queue, int concurrency, int inFlight, long completed, long failed, boolean accepting) {
			this(queue, concurrency, inFlight, completed, failed, accepting, 1.0, 0, 0, Map.of());
		}

	}

	/**
	 * The same worker, seen at another time.
	 * @param heartbeat the heartbeat time
	 * @param stale whether it is stale
	 * @return the copy
	 */
	public WorkerInfo at(Instant heartbeat, boolean stale) {
		return new WorkerInfo(this.id, this.host, this.pools, this.tags, this.version, this.startedAt, heartbeat, stale,
				this.services, this.url, this.application);
	}

	/**
	 * A service and its methods.
	 *
	 * @param name the service name
	 * @param methods its methods
	 */
	public record Service(String name, List<Method> methods) {
	}

	/**
	 * A method of a service.
	 *
	 * @param name the name
	 * @param parameters the parameter types
	 * @param returns the return type
	 * @param streaming whether it streams its results
	 */
	public record Method(String name, List<String> parameters, String returns, boolean streaming) {
	}

}
