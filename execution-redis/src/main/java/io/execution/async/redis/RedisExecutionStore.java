package io.execution.async.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionException;
import io.execution.ExecutionRejectedException;
import io.execution.async.ExecutionQuery;
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.ExecutionStore;
import io.execution.redis.RedisConnections;
import io.execution.redis.RedisJson;
import io.execution.redis.RedisScript;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps execution records in Redis, one hash per execution ({@code <prefix>:{x:<id>}}) that
 * expires {@code retention} after its last change, so that every instance sees them and they
 * outlive the process that started them. Each change is one Lua script that applies only to a
 * record that exists and has not finished. Progress and location writes are not waited for.
 */
public final class RedisExecutionStore implements ExecutionStore {

	private static final Logger logger = LoggerFactory.getLogger(RedisExecutionStore.class);

	/** Create (ARGV[2] = 'create': only when absent) or change (only when present and not finished); either way the version goes up by one. See {@code executionstore-change.lua}. */
	private static final RedisScript CHANGE = RedisScript.resource("executionstore-change.lua", ScriptOutputType.INTEGER);

	/** Moves a key from one id to another if it still holds the first. See {@code executionstore-reclaim-key.lua}. */
	private static final RedisScript RECLAIM_KEY = RedisScript.resource("executionstore-reclaim-key.lua", ScriptOutputType.INTEGER);

	/** How many index entries one listing reads at most, newest first, before it stops looking. */
	private static final int LIST_SCAN_LIMIT = 10_000;

	private final RedisConnections connections;

	private final String prefix;

	private final Duration retention;

	private final JsonMapper mapper;

	/**
	 * Makes the store.
	 * @param connections the Redis connections
	 * @param prefix the first part of every key
	 * @param retention how long a record lives after its last change
	 */
	public RedisExecutionStore(RedisConnections connections, String prefix, Duration retention) {
		this.connections = connections;
		this.prefix = prefix;
		this.retention = retention;
		this.mapper = RedisJson.mapper();
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public Duration retention() {
		return this.retention;
	}

	String key(String id) {
		return this.prefix + ":{x:" + id + "}";
	}

	/** The key that ties an idempotency key to an execution id. */
	private String idempotency(String key) {
		return this.prefix + ":{k:" + key + "}";
	}

	/** The index of records by creation time (ids scored by millis), for listings. */
	private String index() {
		return this.prefix + ":{xi}:created";
	}

	@Override
	public boolean create(ExecutionRecord record) {
		List<String> fields = new ArrayList<>();
		add(fields, "id", record.id());
		add(fields, "service", record.service());
		add(fields, "method", record.method());
		add(fields, "arity", String.valueOf(record.arity()));
		add(fields, "endpoint", record.endpoint());
		add(fields, "mode", record.mode());
		add(fields, "status", record.status().name());
		add(fields, "createdAt", millis(record.createdAt()));
		add(fields, "key", record.key());
		boolean created = await(change(record.id(), "create", fields)) == 1;
		if (created) {
			index(record);
		}
		return created;
	}

	/**
	 * Adds a record to the index and drops what is older than the retention: not atomic with
	 * the record (another slot); a listed id whose record is gone is skipped.
	 */
	private void index(ExecutionRecord record) {
		long created = (record.createdAt() != null) ? record.createdAt().toEpochMilli() : System.currentTimeMillis();
		var redis = this.connections.shared();
		logFailure(record.id(), redis.zadd(index(), created, record.id()).toCompletableFuture());
		logFailure(record.id(), redis.zremrangebyscore(index(), Range.create(0, created - this.retention.toMillis()))
			.toCompletableFuture());
		logFailure(record.id(), redis.pexpire(index(), this.retention.toMillis() * 2).toCompletableFuture());
	}

	@Override
	public Optional<String> claim(String key, String id) {
		var redis = this.connections.shared();
		try {
			for (int attempt = 0; attempt < 3; attempt++) {
				String set = redis.set(idempotency(key), id, SetArgs.Builder.nx().px(this.retention.toMillis()))
					.get(10, TimeUnit.SECONDS);
				if ("OK".equals(set)) {
					return Optional.empty();
				}
				String holder = redis.get(idempotency(key)).get(10, TimeUnit.SECONDS);
				if (holder != null) {
					return Optional.of(holder);
				}
				// Expired between the two commands: try again.
			}
		}
		catch (Exception ex) {
			throw unreachable(id, ex);
		}
		throw new ExecutionRejectedException("Idempotency key '" + key + "' could not be claimed: it kept changing");
	}

	@Override
	public void createBatch(String id, List<String> executions) {
		var redis = this.connections.shared();
		String key = this.prefix + ":{b:" + id + "}";
		try {
			redis.rpush(key, executions.toArray(String[]::new)).get(10, TimeUnit.SECONDS);
			redis.pexpire(key, this.retention.toMillis()).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw unreachable(id, ex);
		}
	}

	@Override
	public Optional<List<String>> findBatch(String id) {
		try {
			List<String> ids = this.connections.shared()
				.lrange(this.prefix + ":{b:" + id + "}", 0, -1)
				.get(10, TimeUnit.SECONDS);
			return (ids == null || ids.isEmpty()) ? Optional.empty() : Optional.of(ids);
		}
		catch (Exception ex) {
			throw unreachable(id, ex);
		}
	}

	@Override
	public Optional<String> holder(String key) {
		try {
			return Optional.ofNullable(this.connections.shared().get(idempotency(key)).get(10, TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			throw unreachable(null, ex);
		}
	}

	@Override
	public boolean reclaim(String key, String from, String to) {
		try {
			Long moved = RECLAIM_KEY.<Long>run(this.connections.shared(), new String[] { idempotency(key) },
					new String[] { from, to, String.valueOf(this.retention.toMillis()) })
				.get(10, TimeUnit.SECONDS);
			return moved != null && moved == 1;
		}
		catch (Exception ex) {
			throw unreachable(to, ex);
		}
	}

	@Override
	public boolean reopen(String id) {
		return await(change(id, "reopen", List.of("status", ExecutionStatus.PENDING.name()))) == 1;
	}

	@Override
	public List<ExecutionRecord> list(ExecutionQuery query) {
		var redis = this.connections.shared();
		List<ExecutionRecord> page = new ArrayList<>();
		int skipped = 0;
		long read = 0;
		Range<Long> created = Range.create((query.since() != null) ? query.since().toEpochMilli() : 0L,
				(query.until() != null) ? query.until().toEpochMilli() - 1 : Long.MAX_VALUE);
		try {
			while (page.size() < query.limit() && read < LIST_SCAN_LIMIT) {
				List<String> ids = redis.zrevrangebyscore(index(), created, Limit.create(read, 200))
					.get(10, TimeUnit.SECONDS);
				if (ids.isEmpty()) {
					break;
				}
				read += ids.size();
				for (String id : ids) {
					Optional<ExecutionRecord> record = find(id);
					if (record.isEmpty() || !query.matches(record.get())) {
						continue;
					}
					if (skipped < query.offset()) {
						skipped++;
					}
					else if (page.size() < query.limit()) {
						page.add(record.get());
					}
				}
			}
		}
		catch (ExecutionException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw unreachable(null, ex);
		}
		return page;
	}


	@Override
	public Optional<ExecutionRecord> find(String id) {
		Map<String, String> hash;
		try {
			hash = this.connections.shared().hgetall(key(id)).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw unreachable(id, ex);
		}
		if (hash == null || hash.get("status") == null) {
			return Optional.empty();
		}
		ExecutionStatus status = ExecutionStatus.valueOf(hash.get("status"));
		ExecutionRecord.Error error = (hash.get("errorCode") != null)
				? new ExecutionRecord.Error(hash.get("errorCode"), hash.get("errorType"), hash.get("errorMessage")) : null;
		JsonNode result = (hash.get("result") != null) ? this.mapper.readTree(hash.get("result")) : null;
		return Optional.of(new ExecutionRecord(id, hash.get("service"), hash.get("method"),
				Integer.parseInt(hash.getOrDefault("arity", "0")), hash.get("endpoint"), hash.get("mode"), status,
				instant(hash.get("createdAt")), instant(hash.get("startedAt")), instant(hash.get("finishedAt")),
				hash.get("worker"), (hash.get("progress") != null) ? Double.valueOf(hash.get("progress")) : null,
				hash.get("message"), instant(hash.get("eta")), hash.get("location"), result, error,
				Long.parseLong(hash.getOrDefault("version", "0")), hash.get("key"), attempts(hash)));
	}

	/** The attempts kept as fields {@code attempt.<n>}, oldest first; one that does not read is left out. */
	private List<ExecutionRecord.Attempt> attempts(Map<String, String> hash) {
		java.util.TreeMap<Integer, ExecutionRecord.Attempt> attempts = new java.util.TreeMap<>();
		hash.forEach((field, value) -> {
			if (field.startsWith(ATTEMPT)) {
				try {
					attempts.put(Integer.valueOf(field.substring(ATTEMPT.length())),
							ExecutionRecord.Attempt.fromJson(this.mapper.readTree(value)));
				}
				catch (RuntimeException ex) {
					logger.debug("Execution record field {} does not read: {}", field, ex.toString());
				}
			}
		});
		return List.copyOf(attempts.values());
	}

	/** The prefix of the fields that keep the attempts retried. */
	private static final String ATTEMPT = "attempt.";

	@Override
	public void retrying(String id, ExecutionRecord.Attempt attempt) {
		List<String> fields = new ArrayList<>();
		add(fields, "status", ExecutionStatus.SCHEDULED.name());
		add(fields, ATTEMPT + attempt.attempt(), this.mapper.writeValueAsString(attempt.toJson()));
		await(change(id, "retry", fields));
	}

	@Override
	public void running(String id, String worker, Instant at) {
		List<String> fields = new ArrayList<>();
		add(fields, "status", ExecutionStatus.RUNNING.name());
		add(fields, "worker", (worker != null) ? worker : "");
		add(fields, "startedAt", millis(at));
		await(change(id, "running", fields));
	}

	@Override
	public void progress(String id, double fraction, String message, Instant at) {
		List<String> fields = new ArrayList<>();
		fields.add(millis(at));
		if (!Double.isNaN(fraction)) {
			add(fields, "progress", String.valueOf(fraction));
		}
		if (message != null) {
			add(fields, "message", message);
		}
		logFailure(id, change(id, "progress", fields));
	}

	@Override
	public void located(String id, String location) {
		logFailure(id, change(id, "located", List.of("location", location)));
	}

	@Override
	public boolean finish(String id, ExecutionStatus status, JsonNode result, ExecutionRecord.Error error,
			Instant at) {
		List<String> fields = new ArrayList<>();
		add(fields, "status", status.name());
		add(fields, "finishedAt", millis(at));
		if (status == ExecutionStatus.SUCCEEDED) {
			add(fields, "result", this.mapper.writeValueAsString(result));
			add(fields, "progress", "1.0");
			add(fields, "eta", millis(at));
		}
		if (error != null) {
			add(fields, "errorCode", error.code());
			add(fields, "errorType", error.type());
			add(fields, "errorMessage", error.message());
		}
		return await(change(id, "finish", fields)) == 1;
	}

	private CompletableFuture<Long> change(String id, String mode, List<String> fields) {
		String[] args = new String[fields.size() + 2];
		args[0] = String.valueOf(this.retention.toMillis());
		args[1] = mode;
		for (int i = 0; i < fields.size(); i++) {
			args[i + 2] = fields.get(i);
		}
		try {
			return CHANGE.run(this.connections.shared(), new String[] { key(id) }, args);
		}
		catch (RuntimeException ex) {
			// No connection to open (Redis is down, the application is closing): a failed change, never a Lettuce exception.
			return CompletableFuture.failedFuture(ex);
		}
	}

	private long await(CompletableFuture<Long> change) {
		try {
			Long applied = change.get(10, TimeUnit.SECONDS);
			return (applied != null) ? applied : 0;
		}
		catch (Exception ex) {
			throw unreachable(null, ex);
		}
	}

	private static void logFailure(String id, CompletableFuture<?> change) {
		change.whenComplete((applied, failure) -> {
			if (failure != null) {
				logger.debug("Execution {}: its record could not be updated in Redis: {}", id, failure.toString());
			}
		});
	}

	private static ExecutionException unreachable(String id, Exception ex) {
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
		Throwable cause = (ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null) ? ex.getCause()
				: ex;
		return new ExecutionRejectedException("Execution records in Redis cannot be read or written now"
				+ ((id != null) ? " (" + id + ")" : "") + ": " + cause.getMessage() + " (Redis is reached through"
				+ " spring.data.redis.*)", cause);
	}

	private static void add(List<String> fields, String name, String value) {
		if (value != null) {
			fields.add(name);
			fields.add(value);
		}
	}

	private static String millis(Instant instant) {
		return (instant != null) ? String.valueOf(instant.toEpochMilli()) : null;
	}

	private static Instant instant(String millis) {
		return (millis != null && !millis.isEmpty()) ? Instant.ofEpochMilli(Long.parseLong(millis)) : null;
	}

}
