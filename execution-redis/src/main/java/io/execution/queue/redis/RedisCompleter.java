package io.execution.queue.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.redis.RedisConnections;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completer of one queue's worker: what the worker is done with — replies to callers,
 * acknowledgements, dead letters — goes to Redis in batches, so that no caller is left without
 * an answer and no request is acknowledged before its reply is safe.
 */
final class RedisCompleter {

	private static final Logger logger = LoggerFactory.getLogger(RedisCompleter.class);

	/** The body of a request that is not kept: only a dead letter keeps its request. */
	static final byte[] NO_BODY = new byte[0];

	private final RedisConnections connections;

	private final ExpiryRefreshes expiries;

	private final RedisQueueSettings settings;

	private final String queue;

	/** The stream requests taken from lanes move to (leased and acknowledged there). */
	private final String laned;

	private final String attempts;

	private final String lanedAttempts;

	private final String answered;

	private final String lanedAnswered;

	private final String deadLetters;

	RedisCompleter(RedisQueueBackend backend, String queue) {
		this.connections = backend.connections();
		this.expiries = backend.expiries();
		this.settings = backend.settings();
		this.queue = queue;
		this.laned = this.settings.laned(queue);
		this.attempts = this.settings.attempts(queue);
		this.lanedAttempts = this.settings.lanedAttempts(queue);
		this.answered = this.settings.answered(queue);
		this.lanedAnswered = this.settings.lanedAnswered(queue);
		this.deadLetters = this.settings.deadLetters(queue);
		this.completions = new Batcher<>(this::sendCompletions,
				(batch, failure) -> logger.debug("Queue '{}': answering {} calls failed: {}", queue, batch.size(),
						failure.toString()),
				COMPLETION_BATCH_ITEMS, Completion::size, 1 << 20);
		backend.register(this.completions);
	}

	/**
	 * Finishes a request with the next batch.
	 * @param completion what is done
	 */
	void add(Completion completion) {
		this.completions.add(completion);
	}

	/**
	 * A request this worker is done with: its reply (if it has a caller to answer), then its
	 * acknowledgement, and its dead letter when it failed for good.
	 */
	record Completion(String stream, String entryId, String invocationId, String replyTo, byte[] reply,
			String cause, byte[] body, boolean takenOver, String lane) {

		Completion(String stream, String entryId, String invocationId, String replyTo, byte[] reply, String cause,
				byte[] body, boolean takenOver) {
			this(stream, entryId, invocationId, replyTo, reply, cause, body, takenOver, "");
		}

		int size() {
			return ((this.reply != null) ? this.reply.length : 0) + this.body.length;
		}

	}

	private static final int COMPLETION_BATCH_ITEMS = 64;

	private final Batcher<Completion> completions;


	/**
	 * Answers a batch of finished requests. On a single Redis (or a Sentinel-watched one) one
	 * script per stream pushes the replies to their callers' lists and acknowledges the requests
	 * together. On a Cluster, where the reply lists live on other nodes: the replies are stashed in
	 * the queue's slot, pushed (one push per caller process), then, once Redis holds them,
	 * acknowledged. Either way a request whose reply did not reach Redis stays unacknowledged:
	 * its lease runs out and another worker settles it (runs it again when idempotent, else
	 * answers that it may have run), so no caller is left without an answer.
	 */
	private CompletableFuture<?> sendCompletions(List<Completion> batch) {
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		String ttl = String.valueOf(this.settings.retention().toMillis());
		if (!this.connections.cluster()) {
			return completeTogether(redis, ttl, batch);
		}
		Map<String, List<Completion>> byCaller = new LinkedHashMap<>();
		List<Completion> unanswered = new ArrayList<>();
		for (Completion completion : batch) {
			if (completion.replyTo() != null) {
				byCaller.computeIfAbsent(completion.replyTo(), (list) -> new ArrayList<>()).add(completion);
			}
			else {
				unanswered.add(completion);
			}
		}
		CompletableFuture<?> stashed = CompletableFuture.completedFuture(null);
		if (!byCaller.isEmpty()) {
			// Issued before the pushes on the same connection: a reply Redis holds for the caller is stashed too.
			Map<String, List<Object>> stashes = new HashMap<>();
			byCaller.values().forEach((completions) -> completions.forEach((completion) -> {
				// Dead letters are not stashed: their take-over settles them again, dead letter included.
				if (completion.cause().isEmpty()) {
					List<Object> stash = stashes.computeIfAbsent(completion.stream(), (key) -> new ArrayList<>(List.of(ttl)));
					stash.add(completion.entryId());
					stash.add(completion.reply());
				}
			}));
			List<CompletableFuture<?>> stashing = new ArrayList<>();
			stashes.forEach((from, stash) -> stashing.add(RedisScripts.STASH.call(redis,
					new String[] { answeredOf(from) }, stash.toArray())));
			if (!stashing.isEmpty()) {
				stashed = CompletableFuture.allOf(stashing.toArray(CompletableFuture[]::new));
			}
		}
		// No reply leaves before its stash is in. A stash that failed sends no reply and acknowledges
		// nothing: the requests are taken over.
		return stashed.handle((done, failure) -> failure)
			.thenCompose((failure) -> (failure == null) ? pushAndAcknowledge(redis, ttl, byCaller, unanswered)
					: pushAndAcknowledge(redis, ttl, Map.of(), unanswered));
	}

	/**
	 * Pushes the replies and acknowledges the requests of a batch with one script per stream (the
	 * plain one and, for requests taken from lanes, the laned one).
	 */
	private CompletableFuture<?> completeTogether(RedisClusterAsyncCommands<String, String> redis, String ttl,
			List<Completion> batch) {
		Map<String, List<Completion>> byStream = new LinkedHashMap<>(2);
		for (Completion completion : batch) {
			byStream.computeIfAbsent(completion.stream(), (key) -> new ArrayList<>(batch.size())).add(completion);
		}
		if (byStream.size() == 1) {
			Map.Entry<String, List<Completion>> only = byStream.entrySet().iterator().next();
			return completeTogether(redis, ttl, only.getKey(), only.getValue());
		}
		List<CompletableFuture<List<Object>>> scripts = new ArrayList<>(byStream.size());
		byStream.forEach((from, completions) -> scripts.add(completeTogether(redis, ttl, from, completions)));
		return CompletableFuture.allOf(scripts.toArray(CompletableFuture[]::new));
	}

	private CompletableFuture<List<Object>> completeTogether(RedisClusterAsyncCommands<String, String> redis,
			String ttl, String from, List<Completion> completions) {
		Map<String, List<byte[]>> byCaller = new LinkedHashMap<>(4);
		for (Completion completion : completions) {
			if (completion.replyTo() != null) {
				byCaller.computeIfAbsent(completion.replyTo(), (list) -> new ArrayList<>(completions.size()))
					.add(completion.reply());
			}
		}
		List<String> keys = new ArrayList<>(4 + byCaller.size());
		keys.add(from);
		keys.add(attemptsOf(from));
		keys.add(this.deadLetters);
		keys.add(answeredOf(from));
		List<Object> args = new ArrayList<>(5 + byCaller.size() * 2 + completions.size() * 7);
		args.add(RedisQueueSettings.GROUP);
		args.add(String.valueOf(this.settings.deadLetterLimit()));
		args.add(String.valueOf(this.settings.deadLetterRetention().toMillis()));
		args.add(ttl);
		args.add(String.valueOf(byCaller.size()));
		byCaller.forEach((list, replies) -> {
			keys.add(list);
			args.add(this.expiries.due(list));
			args.add(String.valueOf(replies.size()));
			args.addAll(replies);
		});
		for (Completion completion : completions) {
			addFinish(args, completion);
		}
		return RedisScripts.COMPLETE.<List<Object>>call(redis, keys.toArray(String[]::new), args.toArray())
			.thenApply(this::warnAtDeadLetterLimit);
	}

	/** The six arguments that finish a request (see {@code RedisScripts.FINISH}). */
	private static void addFinish(List<Object> args, Completion completion) {
		args.add(completion.entryId());
		args.add(completion.cause());
		args.add(completion.invocationId());
		// The request goes back only to be kept as a dead letter.
		args.add(completion.cause().isEmpty() ? NO_BODY : completion.body());
		args.add(completion.takenOver() ? "1" : "0");
		args.add(completion.lane());
	}

	private CompletableFuture<List<Object>> pushAndAcknowledge(RedisClusterAsyncCommands<String, String> redis,
			String ttl, Map<String, List<Completion>> byCaller, List<Completion> unanswered) {
		List<CompletableFuture<List<Completion>>> pushes = new ArrayList<>(byCaller.size() + 1);
		pushes.add(CompletableFuture.completedFuture(unanswered));
		byCaller.forEach((list, completions) -> {
			List<Object> args = new ArrayList<>(completions.size() + 2);
			args.add(ttl);
			args.add(this.expiries.due(list));
			completions.forEach((completion) -> args.add(completion.reply()));
			pushes.add(RedisScripts.REPLY.<Long>call(redis, new String[] { list }, args.toArray())
				.handle((pushed, failure) -> {
					if (failure != null) {
						logger.debug("Queue '{}': replies to {} could not be pushed; their requests will be"
								+ " taken over: {}", this.queue, list, failure.toString());
						return List.of();
					}
					return completions;
				}));
		});
		return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).thenCompose((all) -> {
			Map<String, List<Object>> byStream = new LinkedHashMap<>();
			for (CompletableFuture<List<Completion>> push : pushes) {
				for (Completion completion : push.join()) {
					List<Object> args = byStream.computeIfAbsent(completion.stream(),
							(key) -> new ArrayList<>(List.of(RedisQueueSettings.GROUP,
									String.valueOf(this.settings.deadLetterLimit()),
									String.valueOf(this.settings.deadLetterRetention().toMillis()))));
					addFinish(args, completion);
				}
			}
			if (byStream.isEmpty()) {
				return CompletableFuture.completedFuture(List.of());
			}
			if (byStream.size() == 1) {
				Map.Entry<String, List<Object>> only = byStream.entrySet().iterator().next();
				return acknowledge(redis, only.getKey(), only.getValue());
			}
			List<CompletableFuture<List<Object>>> acks = new ArrayList<>();
			byStream.forEach((from, args) -> acks.add(acknowledge(redis, from, args)));
			return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply((done) -> List.of());
		});
	}

	private CompletableFuture<List<Object>> acknowledge(RedisClusterAsyncCommands<String, String> redis, String from,
			List<Object> args) {
		// One script per stream: the plain one and, for requests taken from lanes, the laned one.
		return RedisScripts.ACK.<List<Object>>call(redis,
				new String[] { from, attemptsOf(from), this.deadLetters,
						answeredOf(from) },
				args.toArray())
			.thenApply(this::warnAtDeadLetterLimit);
	}

	private List<Object> warnAtDeadLetterLimit(List<Object> finished) {
		long dead = ((Number) finished.get(1)).longValue();
		if (dead >= this.settings.deadLetterLimit()) {
			logger.warn("Queue '{}': {} dead letters, at the limit of {}: the oldest are dropped as new ones come"
					+ " (execution.queue.redis.dead-letter-limit)", this.queue, dead, this.settings.deadLetterLimit());
		}
		return finished;
	}

	/**
	 * Ends an attempt of a request whose service threw without a reply and holds its next attempt
	 * until it is due, in the lane it came from, with one script ({@code retry.lua}), waited for:
	 * {@code false} when Redis did not take it, and the worker answers the failure instead.
	 */
	boolean retry(RedisDelivery delivery, String lane, byte[] next, long delayMillis, long timeoutMillis) {
		String from = delivery.stream();
		List<Object> args = new ArrayList<>(List.of(RedisQueueSettings.GROUP, String.valueOf(this.settings.deadLetterLimit()),
				String.valueOf(this.settings.deadLetterRetention().toMillis()), delivery.invocationId(),
				String.valueOf(delayMillis), String.valueOf(timeoutMillis), delivery.replyTo(),
				delivery.fields().getOrDefault("idem", "0"), next, String.valueOf(this.settings.retention().toMillis()),
				lane));
		addFinish(args, new Completion(from, delivery.entryId(), delivery.invocationId(), null, null, "", NO_BODY,
				delivery.takenOver(), lane));
		try {
			RedisScripts.RETRY.<Long>call(this.connections.shared(),
					new String[] { from, attemptsOf(from), this.deadLetters, answeredOf(from),
							this.settings.scheduled(this.queue), this.settings.scheduledBodies(this.queue),
							this.settings.scheduledLanes(this.queue),
							this.settings.cancelMarker(this.queue, delivery.invocationId()) },
					args.toArray())
				.get(10, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Queue '{}': the next attempt of call [{}] could not be scheduled: {}", this.queue,
					delivery.invocationId(), ex.toString());
			return false;
		}
	}

	String attemptsOf(String from) {
		return from.equals(this.laned) ? this.lanedAttempts : this.attempts;
	}

	String answeredOf(String from) {
		return from.equals(this.laned) ? this.lanedAnswered : this.answered;
	}

}
