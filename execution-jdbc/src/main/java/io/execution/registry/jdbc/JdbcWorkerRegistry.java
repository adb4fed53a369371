package io.execution.registry.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.execution.queue.jdbc.JdbcQueueBackend;
import io.execution.registry.HeartbeatSource;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The registry of the jdbc backend: each worker process upserts its description into
 * {@code <prefix>worker} with a heartbeat every {@code interval}, stamped with the database's
 * clock, on the backend's upkeep thread (JDBC blocks); a worker whose last heartbeat is older
 * than two intervals is listed as stale, and its row is deleted after three (its in-flight calls
 * are taken over through the leases). What an operator asks of a worker (drain, resume) waits in
 * its row and is taken by its next heartbeat.
 */
public final class JdbcWorkerRegistry implements WorkerRegistry, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(JdbcWorkerRegistry.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcQueueBackend backend;

	private final JdbcClient jdbc;

	private final String table;

	private final HeartbeatSource local;

	private final Duration interval;

	private volatile java.util.concurrent.ScheduledFuture<?> beats;

	private volatile boolean running;

	/**
	 * Makes the registry.
	 * @param backend the jdbc backend (its data source, tables and upkeep thread)
	 * @param local this process's worker, or {@code null} when it runs none
	 * @param interval the heartbeat interval
	 */
	public JdbcWorkerRegistry(JdbcQueueBackend backend, HeartbeatSource local, Duration interval) {
		this.backend = backend;
		this.jdbc = JdbcClient.create(backend.dataSource());
		this.table = backend.settings().table("worker");
		this.local = local;
		this.interval = interval;
	}

	@Override
	public boolean forwardsRequests() {
		return true;
	}

	@Override
	public boolean request(String workerId, String action) {
		WorkerRegistry.checkedAction(action);
		try {
			return this.jdbc.sql("UPDATE " + this.table + " SET request = ? WHERE id = ?").params(action, workerId).update() > 0;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Cannot reach the worker registry in the database: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
		if (this.local != null) {
			this.beats = this.backend.upkeep(this::beat, this.interval);
		}
	}

	/** Writes this worker's description and takes what an operator asked of it. */
	private void beat() {
		try {
			String json = JSON.writeValueAsString(this.local.snapshot(Instant.EPOCH));
			this.jdbc.sql("INSERT INTO " + this.table + " (id, description, beat) VALUES (?, ?, clock_timestamp())"
					+ " ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description, beat = EXCLUDED.beat")
				.params(this.local.id(), json)
				.update();
			String asked = this.jdbc.sql("UPDATE " + this.table + " w SET request = NULL FROM (SELECT id, request FROM "
					+ this.table + " WHERE id = ? AND request IS NOT NULL FOR UPDATE) old WHERE w.id = old.id"
					+ " RETURNING old.request")
				.param(this.local.id())
				.query(String.class)
				.optional()
				.orElse(null);
			if (asked != null && !asked.isEmpty()) {
				logger.info("Worker {}: asked through the registry to {}", this.local.id(), asked);
				this.local.apply(asked);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Heartbeat of worker {} failed: {}", this.local.id(), ex.toString());
		}
	}

	@Override
	public List<WorkerInfo> workers() {
		try {
			long gone = this.interval.toMillis() * 3;
			this.jdbc.sql("DELETE FROM " + this.table + " WHERE beat < clock_timestamp() - ? * interval '1 millisecond'")
				.param(gone)
				.update();
			List<WorkerInfo> workers = new ArrayList<>();
			this.jdbc.sql("SELECT id, description, beat, (extract(epoch FROM clock_timestamp() - beat) * 1000)::bigint"
					+ " FROM " + this.table + " ORDER BY beat DESC")
				.query((row, i) -> {
					try {
						WorkerInfo info = JSON.readValue(row.getString(2), WorkerInfo.class);
						workers.add(info.at(row.getTimestamp(3).toInstant(), row.getLong(4) > 2 * this.interval.toMillis()));
					}
					catch (JacksonException ex) {
						// Nothing the database holds is trusted: a row that cannot be read is left out.
						logger.debug("Worker {}: its row cannot be read ({}); left out", row.getString(1), ex.getOriginalMessage());
					}
					return null;
				})
				.list();
			return workers;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Cannot read the worker registry from the database: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		java.util.concurrent.ScheduledFuture<?> beats = this.beats;
		if (beats != null) {
			beats.cancel(false);
		}
		if (this.local != null) {
			// A worker that stops cleanly leaves at once rather than going stale.
			try {
				this.jdbc.sql("DELETE FROM " + this.table + " WHERE id = ?").param(this.local.id()).update();
			}
			catch (RuntimeException ex) {
				logger.debug("Worker {} could not leave the registry: {}", this.local.id(), ex.toString());
			}
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
