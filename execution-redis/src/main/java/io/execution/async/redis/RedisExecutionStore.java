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
import io.execution.async.ExecutionRecord;
import io.execution.async.ExecutionStatus;
import io.execution.async.ExecutionStore;
import io.execution.redis.RedisConnections;
import io.execution.redis.RedisJson;
import io.execution.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
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

	/**
	 * Create (ARGV[2] = 'create': only when absent) or change (only when present and not
	 * finished); either way the version goes up by one. KEYS: the record. ARGV: ttl ms, mode, then field/value pairs. For 'progress', the
	 * estimated completion is derived from the start time and ARGV[3] (now, ms). Returns 1 when
	 * applied.
	 */
	private static final RedisScript CHANGE = new RedisScript("""
			local status = redis.call('HGET', KEYS[1], 'status')
			if ARGV[2] == 'create' then
			  if status then return 0 end
			else
			  if not status then return 0 end
			  if status ~= 'PENDING' and status ~= 'RUNNING' then return 0 end
			end
			local first = 3
			if ARGV[2] == 'running' then
			  if redis.call('HEXISTS', KEYS[1], 'startedAt') == 1 then
			    redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'worker', ARGV[6])
			    redis.call('HINCRBY', KEYS[1], 'version', 1)
			    redis.call('PEXPIRE', KEYS[1], ARGV[1])
			    return 1
			  end
			elseif ARGV[2] == 'progress' then
			  first = 4
			  local fraction = nil
			  for i = 4, #ARGV, 2 do if ARGV[i] == 'progress' then fraction = tonumber(ARGV[i + 1]) end end
			  if fraction == nil then fraction = tonumber(redis.call('HGET', KEYS[1], 'progress')) end
			  local from = tonumber(redis.call('HGET', KEYS[1], 'startedAt') or redis.call('HGET', KEYS[1], 'createdAt'))
			  if fraction and fraction > 0 and from then
			    redis.call('HSET', KEYS[1], 'eta', tostring(math.floor(from + (tonumber(ARGV[3]) - from) / fraction)))
			  end
			end
			for i = first, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
			redis.call('HINCRBY', KEYS[1], 'version', 1)
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return 1
			""", ScriptOutputType.INTEGER);

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
		return await(change(record.id(), "create", fields)) == 1;
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
				Long.parseLong(hash.getOrDefault("version", "0"))));
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

	private static void logFailure(String id, CompletableFuture<Long> change) {
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
