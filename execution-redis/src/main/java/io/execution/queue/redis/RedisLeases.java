package io.execution.queue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.redis.RedisConnections;
import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one queue's worker, looked after on its maintenance tick: what runs here has its
 * lease renewed and its cancellation looked for; what workers that stopped held is taken over once
 * their lease lapsed (with slots, under a global limit), a reply they stashed sent again.
 */
final class RedisLeases {

	private static final Logger logger = LoggerFactory.getLogger(RedisLeases.class);

	private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

	private static final byte[] NO_BODY = RedisCompleter.NO_BODY;

	/** Takes a request over: as the consumer accepts one it read. */
	@FunctionalInterface
	interface Accepter {

		void accept(String from, String entryId, Map<String, String> fields, byte[] body, int takenOver);

	}

	private final RedisConnections connections;

	private final RedisQueueSettings settings;

	private final Duration leaseInterval;

	private final String queue;

	private final String stream;

	private final String laned;

	private final Consumer<String> consumer;

	private final RedisCompleter completions;

	private final RedisSlots slots;

	private final boolean limited;

	private volatile long nextReclaim;

	private volatile long nextLease;

	private final AtomicBoolean renewing = new AtomicBoolean();

	private long nextCancelCheck;

	RedisLeases(RedisQueueBackend backend, String queue, Consumer<String> consumer, RedisCompleter completions,
			RedisSlots slots) {
		this.connections = backend.connections();
		this.settings = backend.settings();
		this.leaseInterval = backend.leaseInterval();
		this.queue = queue;
		this.stream = this.settings.requests(queue);
		this.laned = this.settings.laned(queue);
		this.consumer = consumer;
		this.completions = completions;
		this.slots = slots;
		this.limited = slots.limited();
	}

	/**
	 * Renews the leases of what runs here and looks for its cancellations, each when due.
	 * @param now the tick's time
	 * @param running what runs here
	 */
	void tick(long now, Collection<RedisDelivery> running) {
		RedisClusterAsyncCommands<String, String> redis = this.connections.shared();
		if (now - this.nextLease >= 0 && !running.isEmpty() && this.renewing.compareAndSet(false, true)) {
			// One renewal at a time; one that fails (Redis away, a connection reconnecting) is sent
			// again at the next tick, and one Lettuce held while disconnected goes out on reconnect.
			this.nextLease = now + this.leaseInterval.toNanos();
			this.slots.renew();
			Map<String, List<String>> byStream = new HashMap<>();
			running.forEach((delivery) -> byStream.computeIfAbsent(delivery.stream(), (key) -> new ArrayList<>())
				.add(delivery.entryId()));
			List<CompletableFuture<?>> renewals = new ArrayList<>();
			byStream.forEach((from, ids) -> renewals.add(redis
				.xclaim(from, this.consumer, XClaimArgs.Builder.minIdleTime(0).justid(), ids.toArray(String[]::new))
				.toCompletableFuture()));
			CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new)).whenComplete((renewed, failure) -> {
				if (failure != null) {
					this.nextLease = System.nanoTime();
				}
				this.renewing.set(false);
			});
		}
		if (now - this.nextCancelCheck >= 0 && !running.isEmpty()) {
			this.nextCancelCheck = now + CANCEL_CHECK_NANOS;
			for (RedisDelivery delivery : running) {
				redis.exists(this.settings.cancelMarker(this.queue, delivery.invocationId())).thenAccept((found) -> {
					if (found != null && found > 0) {
						delivery.cancelled();
					}
				});
			}
		}
	}

	/**
	 * Whether it is time to look for requests to take over.
	 * @param now the time
	 * @return {@code true} when due
	 */
	boolean reclaimDue(long now) {
		return now - this.nextReclaim >= 0;
	}

	/**
	 * Takes over up to {@code free} requests whose worker stopped renewing its lease.
	 * @param redis the connection
	 * @param now the tick's time
	 * @param free how many this worker can run
	 * @param accepter accepts each request taken over
	 * @throws Exception when Redis fails or does not answer in time
	 */
	void reclaim(RedisClusterAsyncCommands<String, String> redis, long now, int free, Accepter accepter)
			throws Exception {
		this.nextReclaim = now + Math.max(TimeUnit.MILLISECONDS.toNanos(200),
				this.settings.visibilityTimeout().toNanos() / 4);
		int wanted = free;
		if (this.limited) {
			// Taking over runs calls too: only with slots (a stopped worker's lapse with its lease).
			Long granted = this.slots.acquire(wanted).get(10, TimeUnit.SECONDS);
			wanted = (granted != null) ? granted.intValue() : 0;
			if (wanted <= 0) {
				return;
			}
		}
		int taken = 0;
		try {
			taken = takeOver(redis, now, wanted, accepter);
		}
		finally {
			if (this.limited) {
				this.slots.refund(wanted - taken);
			}
			this.slots.reconcile();
		}
	}

	private int takeOver(RedisClusterAsyncCommands<String, String> redis, long now, int free, Accepter accepter)
			throws Exception {
		int taken = reclaim(redis, now, free, this.stream, accepter);
		if (taken < free) {
			taken += reclaim(redis, now, free - taken, this.laned, accepter);
		}
		return taken;
	}

	private int reclaim(RedisClusterAsyncCommands<String, String> redis, long now, int free, String from,
			Accepter accepter) throws Exception {
		List<Object> taken = RedisScripts.RECLAIM.<List<Object>>run(redis,
				new String[] { from, this.completions.attemptsOf(from), this.completions.answeredOf(from) },
				RedisQueueSettings.GROUP, this.consumer.getName(),
				String.valueOf(this.settings.visibilityTimeout().toMillis()), String.valueOf(free),
				String.valueOf(this.settings.retention().toMillis()),
				String.valueOf(3 * this.settings.visibilityTimeout().toMillis()))
			.get(10, TimeUnit.SECONDS);
		for (Object item : taken) {
			List<?> entry = (List<?>) item;
			Map<String, String> fields = RedisQueueConsumer.fields((List<?>) entry.get(1));
			byte[] body = RedisQueueConsumer.takeBody(fields);
			Object stashed = (entry.size() > 3) ? entry.get(3) : null;
			if (stashed instanceof String reply && this.settings.isReplyKey(fields.get("reply"))) {
				// Answered by a worker that stopped before acknowledging: send that answer again.
				logger.info("Queue '{}': call [{}] was answered by a worker that stopped before acknowledging it;"
						+ " its answer is sent again", this.queue, fields.get("id"));
				this.completions.add(new RedisCompleter.Completion(from, (String) entry.get(0), fields.getOrDefault("id", ""),
						fields.get("reply"), reply.getBytes(StandardCharsets.UTF_8), "", NO_BODY, true));
				continue;
			}
			accepter.accept(from, (String) entry.get(0), fields, body, ((Number) entry.get(2)).intValue());
		}
		if (taken.size() >= free) {
			// There may be more to take over: again at the next tick, before new work.
			this.nextReclaim = now;
		}
		return taken.size();
	}

}
