package io.execution.registry.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.core.ExecutionTimer;
import io.execution.redis.RedisConnections;
import io.execution.redis.RedisJson;
import io.execution.redis.RedisScript;
import io.execution.registry.HeartbeatSource;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * The registry of the redis backend. Each worker process writes its description with a
 * heartbeat every {@code interval}, stamped with Redis' clock; a worker whose last heartbeat is
 * older than two intervals is listed as stale, and its entry expires after three (its in-flight
 * calls are taken over through the queues' visibility timeout).
 */
public final class RedisWorkerRegistry implements WorkerRegistry, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RedisWorkerRegistry.class);

	/** A heartbeat, which also takes what an operator asked of this worker. See {@code workerregistry-beat.lua}. */
	private static final RedisScript BEAT = RedisScript.resource("workerregistry-beat.lua", ScriptOutputType.VALUE);

	private static final RedisScript LIST = RedisScript.resource("workerregistry-list.lua", ScriptOutputType.MULTI);

	private final RedisConnections connections;

	private final String prefix;

	private final HeartbeatSource local;

	private final Duration interval;

	private final JsonMapper mapper;

	private final ExecutionTimer timer;

	private volatile ScheduledFuture<?> beats;

	/** Whether a heartbeat is on its way: a slow Redis never gets a second one queued behind it. */
	private final AtomicBoolean beating = new AtomicBoolean();

	private volatile boolean running;

	/**
	 * Makes the registry.
	 * @param connections the Redis connections
	 * @param prefix the key prefix
	 * @param local this process's worker, or {@code null} when it runs none
	 * @param interval the heartbeat interval
	 * @param timer sends the heartbeats
	 */
	public RedisWorkerRegistry(RedisConnections connections, String prefix, HeartbeatSource local, Duration interval,
			ExecutionTimer timer) {
		this.timer = timer;
		this.connections = connections;
		this.prefix = prefix;
		this.local = local;
		this.interval = interval;
		this.mapper = RedisJson.mapper();
	}

	private String all() {
		return this.prefix + ":{workers}:all";
	}

	private String worker(String id) {
		return this.prefix + ":{workers}:worker:" + id;
	}

	private String requests(String id) {
		return this.prefix + ":{workers}:request:" + id;
	}

	/**
	 * Leaves the request where the worker's next heartbeat takes it (a drain or resume is
	 * harmless; a request that nobody takes lapses after three intervals).
	 */
	@Override
	public boolean forwardsRequests() {
		return true;
	}

	@Override
	public boolean request(String workerId, String action) {
		WorkerRegistry.checkedAction(action);
		try {
			this.connections.shared()
				.set(requests(workerId), action,
						io.lettuce.core.SetArgs.Builder.px(this.interval.toMillis() * 3))
				.get(5, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Cannot reach the worker registry in Redis: " + ex, ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
		if (this.local == null) {
			return;
		}
		this.beats = this.timer.scheduler()
			.scheduleWithFixedDelay(this::beat, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Sends a heartbeat without waiting for it: it runs on the process's timer, which never blocks. */
	private void beat() {
		if (!this.beating.compareAndSet(false, true)) {
			return;
		}
		try {
			String json = this.mapper.writeValueAsString(this.local.snapshot(Instant.EPOCH));
			BEAT.<String>run(this.connections.shared(),
					new String[] { worker(this.local.id()), all(), requests(this.local.id()) }, this.local.id(), json,
					String.valueOf(this.interval.toMillis() * 3))
				.whenComplete((asked, failure) -> {
					this.beating.set(false);
					if (failure != null) {
						logger.debug("Heartbeat of worker {} failed: {}", this.local.id(), failure.toString());
					}
					else if (asked != null && !asked.isEmpty()) {
						logger.info("Worker {}: asked through the registry to {}", this.local.id(), asked);
						// Not on Lettuce's I/O thread: a drain waits for nothing, but it is the pools' business.
						this.timer.scheduler().execute(() -> this.local.apply(asked));
					}
				});
		}
		catch (RuntimeException ex) {
			this.beating.set(false);
			logger.debug("Heartbeat of worker {} failed: {}", this.local.id(), ex.toString());
		}
	}

	@Override
	public List<WorkerInfo> workers() {
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		try {
			List<Object> listed = LIST.<List<Object>>run(redis, new String[] { all() }).get(5, TimeUnit.SECONDS);
			long now = ((Number) listed.get(0)).longValue();
			List<WorkerInfo> workers = new ArrayList<>();
			for (int i = 1; i + 1 < listed.size(); i += 2) {
				String id = String.valueOf(listed.get(i));
				long beat = Long.parseLong(String.valueOf(listed.get(i + 1)));
				String json = redis.get(worker(id)).get(5, TimeUnit.SECONDS);
				if (json == null) {
					// Missed three heartbeats: gone.
					redis.zrem(all(), id);
					continue;
				}
				WorkerInfo info;
				try {
					info = this.mapper.readValue(json, WorkerInfo.class);
				}
				catch (JacksonException ex) {
					// Nothing Redis holds is trusted: a record that cannot be read is left out, not the registry.
					logger.debug("Worker {}: its record in Redis cannot be read ({}); left out", id, ex.getOriginalMessage());
					continue;
				}
				workers.add(info.at(Instant.ofEpochMilli(beat), now - beat > 2 * this.interval.toMillis()));
			}
			workers.sort(Comparator.comparing(WorkerInfo::lastHeartbeat).reversed());
			return workers;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Cannot read the worker registry from Redis: " + ex, ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledFuture<?> beats = this.beats;
		if (beats != null) {
			beats.cancel(false);
		}
		if (this.local != null) {
			// A worker that stops cleanly leaves at once rather than going stale.
			this.connections.shared().del(worker(this.local.id()));
			this.connections.shared().zrem(all(), this.local.id());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stop after the worker pools, so the registry shows a draining worker until it is done.
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

}
