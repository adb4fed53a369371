package io.execution.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.registry.HeartbeatSource;
import io.execution.registry.WorkerInfo;
import io.execution.service.ServiceRegistry;

/**
 * This process as a worker: what it registers and sends with each heartbeat.
 */
public final class LocalWorker implements HeartbeatSource {

	private static final String HOST = hostName();

	/** This process's name as a worker: host, process id and a random suffix. */
	private static final AtomicBoolean FIRST = new AtomicBoolean();

	private static final String PROCESS_ID = HOST + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
			+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));

	private final String id;

	private final String host;

	private final WorkerPools pools;

	private final Map<String, String> tags;

	private final Instant startedAt = Instant.now();

	private final ServiceRegistry services;

	private volatile String url;

	private volatile String application;

	/**
	 * Describes this process.
	 * @param pools its pools
	 * @param tags its capabilities
	 */
	public LocalWorker(WorkerPools pools, Map<String, String> tags) {
		this(pools, tags, null);
	}

	/**
	 * Describes this process and the services it offers.
	 * @param pools its pools, or {@code null} when it serves only over HTTP
	 * @param tags its capabilities
	 * @param services its services, or {@code null}
	 */
	public LocalWorker(WorkerPools pools, Map<String, String> tags, ServiceRegistry services) {
		this.services = services;
		this.host = HOST;
		// The process's first worker goes by the process's name, which execution records show.
		this.id = FIRST.compareAndSet(false, true) ? PROCESS_ID : HOST + "-"
				+ ManagementFactory.getRuntimeMXBean().getPid() + "-"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
		this.pools = pools;
		this.tags = Map.copyOf(tags);
	}

	/**
	 * The name of this process, as execution records show the worker that ran them: host,
	 * process id and a random suffix, like a worker's id.
	 * @return the name
	 */
	public static String processId() {
		return PROCESS_ID;
	}

	/**
	 * The worker's id.
	 * @return the id
	 */
	@Override
	public String id() {
		return this.id;
	}

	/**
	 * The worker as of now.
	 * @param heartbeat the heartbeat time to record
	 * @return its description
	 */
	@Override
	public void apply(String action) {
		if (this.pools == null) {
			return;
		}
		if ("drain".equals(action)) {
			this.pools.drain();
		}
		else if ("resume".equals(action)) {
			this.pools.resume();
		}
	}

	@Override
	public WorkerInfo snapshot(Instant heartbeat) {
		List<WorkerInfo.Pool> pools = (this.pools != null) ? this.pools.pools()
			.stream()
			.map(LocalWorker::describe)
			.toList() : List.of();
		String version = LocalWorker.class.getPackage().getImplementationVersion();
		return new WorkerInfo(this.id, this.host, pools, this.tags, (version != null) ? version : "development",
				this.startedAt, heartbeat, false,
				(this.services != null) ? WorkerOperationsService.describe(this.services) : List.of(), this.url,
				this.application);
	}

	/**
	 * Advertises the base URL of this process's HTTP routes in its next heartbeats, so that
	 * callers whose endpoints name a service id find it through the worker registry.
	 * @param url the base URL
	 */
	public void advertise(String url) {
		this.url = url;
	}

	/**
	 * Names the application this worker belongs to in its heartbeats, so that operators see
	 * more than a host and a process id.
	 * @param application the application's name ({@code spring.application.name}), or
	 * {@code null}
	 */
	public void application(String application) {
		this.application = (application != null && !application.isBlank()) ? application : null;
	}

	/**
	 * The name of the application this worker belongs to.
	 * @return the name, or {@code null} when it has none
	 */
	public String application() {
		return this.application;
	}

	/**
	 * Describes a pool as the registry shows it.
	 * @param pool the pool
	 * @return its description
	 */
	public static WorkerInfo.Pool describe(WorkerPool pool) {
		io.execution.core.CallStatistics.Snapshot statistics = pool.statistics();
		return new WorkerInfo.Pool(pool.queue(), pool.concurrency(), pool.inFlight(), pool.completed(), pool.failed(),
				pool.isAccepting(), statistics.successRate(), statistics.p50Millis(), statistics.p99Millis(),
				statistics.outcomes());
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return "unknown-host";
		}
	}

}
