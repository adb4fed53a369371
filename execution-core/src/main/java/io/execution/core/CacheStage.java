package io.execution.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.execution.ExecutionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The result cache as a stage of the dispatcher, for {@link io.execution.CacheResult} methods in
 * any mode: a cached result answers at once; identical calls running now (in this process, or in
 * another that shares the cache) are waited for instead of run again; a failure is never cached.
 */
final class CacheStage {

	private static final long CACHE_POLL_MILLIS = 20;

	private final ResultCache cache;

	private final JsonMapper mapper;

	private final ExecutionEvents events;

	private final Endpoints endpoints;

	/** Calls of cached methods running now, by key: identical calls wait for them. */
	private final Map<String, CompletableFuture<byte[]>> caching = new ConcurrentHashMap<>();

	CacheStage(ResultCache cache, JsonMapper mapper, ExecutionEvents events, Endpoints endpoints) {
		this.cache = cache;
		this.mapper = mapper;
		this.events = events;
		this.endpoints = endpoints;
	}

	/**
	 * A call of a {@link io.execution.CacheResult} method: the cached result when there is one;
	 * else the result of an identical call running now (in this process, or in another that
	 * shares the cache); else the call runs and its result is cached. A failure is not cached,
	 * and a call that waited for a failed one runs itself.
	 */
	Object call(ClientMethod method, Object[] args, Supplier<Object> run) {
		String key = cacheKey(method, args);
		byte[] hit = this.cache.get(key);
		if (hit != null) {
			this.events.cacheHit(method.service(), method.name());
			return read(method, hit);
		}
		CompletableFuture<byte[]> mine = new CompletableFuture<>();
		CompletableFuture<byte[]> running = this.caching.putIfAbsent(key, mine);
		if (running != null) {
			byte[] shared = shared(running, method);
			if (shared != null) {
				this.events.cacheHit(method.service(), method.name());
				return read(method, shared);
			}
			return run.get();
		}
		Endpoint endpoint = this.endpoints.resolve(method.service());
		long deadline = CallChain.deadline(System.nanoTime() + endpoint.timeoutNanos());
		boolean leading = false;
		try {
			leading = this.cache.lead(key, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			while (!leading && deadline - System.nanoTime() > 0) {
				// Another process runs the same call: its result is coming, or its claim lapses.
				TimeUnit.MILLISECONDS.sleep(CACHE_POLL_MILLIS);
				byte[] theirs = this.cache.get(key);
				if (theirs != null) {
					this.events.cacheHit(method.service(), method.name());
					mine.complete(theirs);
					return read(method, theirs);
				}
				leading = this.cache.lead(key, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			}
			if (leading) {
				// Led now, but the run that led before may have put its result just before giving up its claim.
				byte[] theirs = this.cache.get(key);
				if (theirs != null) {
					this.events.cacheHit(method.service(), method.name());
					mine.complete(theirs);
					return read(method, theirs);
				}
			}
			this.events.cacheMiss(method.service(), method.name());
			Object result = run.get();
			byte[] json = this.mapper.writeValueAsBytes(result);
			this.cache.put(key, json, method.cacheFor());
			mine.complete(json);
			return result;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			mine.completeExceptionally(ex);
			throw new io.execution.ExecutionCancelledException("Call " + method + " was interrupted while an identical"
					+ " call ran elsewhere");
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.caching.remove(key, mine);
			if (leading) {
				this.cache.release(key);
			}
		}
	}

	/** The result of an identical call running now, or {@code null} when it failed or outlived this call's deadline. */
	private byte[] shared(CompletableFuture<byte[]> running, ClientMethod method) {
		Endpoint endpoint = this.endpoints.resolve(method.service());
		long remaining = CallChain.deadline(System.nanoTime() + endpoint.timeoutNanos()) - System.nanoTime();
		try {
			return running.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new io.execution.ExecutionCancelledException("Call " + method
					+ " was interrupted while waiting for an identical call");
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			return null;
		}
	}

	/** Service, method, arity and a digest of the arguments as JSON. */
	private String cacheKey(ClientMethod method, Object[] args) {
		return key(this.mapper, method.service(), method.name(), args);
	}

	/** A call's key: service, method, arity and a digest of the arguments as JSON. */
	static String key(JsonMapper mapper, String service, String method, Object[] args) {
		Object[] given = (args != null) ? args : new Object[0];
		byte[] json = mapper.writeValueAsBytes(given);
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(json);
			return service + "." + method + "/" + given.length + ":" + java.util.HexFormat.of().formatHex(digest);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Object read(ClientMethod method, byte[] json) {
		try {
			return method.resultReader().readValue(json);
		}
		catch (RuntimeException ex) {
			throw new ExecutionException("Cached result of " + method + " does not bind to " + method.resultType()
					+ ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * An asynchronous call of a {@link io.execution.CacheResult} method: as a blocking one,
	 * except that identical calls share one run only within this process.
	 */
	CompletableFuture<Object> callAsync(ClientMethod method, Object[] args, Supplier<CompletableFuture<Object>> start) {
		String key;
		byte[] hit;
		try {
			key = cacheKey(method, args);
			hit = this.cache.get(key);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (hit != null) {
			this.events.cacheHit(method.service(), method.name());
			return CompletableFuture.completedFuture(read(method, hit));
		}
		CompletableFuture<byte[]> mine = new CompletableFuture<>();
		CompletableFuture<byte[]> running = this.caching.putIfAbsent(key, mine);
		if (running != null) {
			return running.handle((json, failure) -> {
				if (failure != null) {
					return start.get();
				}
				this.events.cacheHit(method.service(), method.name());
				return CompletableFuture.completedFuture(read(method, json));
			}).thenCompose((next) -> next);
		}
		this.events.cacheMiss(method.service(), method.name());
		CompletableFuture<Object> call = start.get();
		call.whenComplete((value, failure) -> {
			try {
				if (failure == null) {
					byte[] json = this.mapper.writeValueAsBytes(value);
					this.cache.put(key, json, method.cacheFor());
					mine.complete(json);
				}
				else {
					mine.completeExceptionally(failure);
				}
			}
			catch (RuntimeException ex) {
				mine.completeExceptionally(ex);
			}
			finally {
				this.caching.remove(key, mine);
			}
		});
		return call;
	}

}
