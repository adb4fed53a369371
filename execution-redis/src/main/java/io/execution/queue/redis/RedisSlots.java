package io.execution.queue.redis;

import java.util.concurrent.CompletableFuture;

import io.execution.queue.QueueLimits;
import io.execution.redis.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot limiter of one queue's worker, under the queue's global limits: the concurrency slots
 * it holds in Redis (taken before it reads, leased, renewed, given back beyond what it reads and
 * runs) and the start tokens of the rate limit (given back when a granted read brought less).
 */
final class RedisSlots {

	private static final Logger logger = LoggerFactory.getLogger(RedisSlots.class);

	private final RedisConnections connections;

	private final RedisQueueSettings settings;

	private final String queue;

	/** The worker's consumer name: what its slots are held under. */
	private final String consumer;

	private final QueueLimits limits;

	private final boolean limited;

	/** The global slots this consumer holds in Redis (with a limit): what it reads and runs. */
	private int held;

	/** Deliveries accepted and not done (waiting for a thread or running): what the slots are for. */
	private int inUse;

	/** Slots granted to the read in flight, whose requests have not come yet. */
	private int readGrant;

	private final Object slotLock = new Object();

	RedisSlots(RedisQueueBackend backend, String queue, String consumer, QueueLimits limits) {
		this.connections = backend.connections();
		this.settings = backend.settings();
		this.queue = queue;
		this.consumer = consumer;
		this.limits = limits;
		this.limited = limits.any();
	}

	/** Whether the queue has a global limit (else nothing here does anything). */
	boolean limited() {
		return this.limited;
	}

	/** Slots were granted to the read about to go out. */
	void granted(int slots) {
		synchronized (this.slotLock) {
			this.readGrant = slots;
		}
	}

	/** A read brought so many requests, which are accepted (or given back) one by one. */
	void read(int got) {
		synchronized (this.slotLock) {
			this.readGrant = Math.max(0, this.readGrant - got);
		}
	}

	/**
	 * The read ended: what it was granted and did not bring is given back (its start tokens, and
	 * the slots beyond what runs).
	 * @param brought requests it brought that {@link #read(int)} did not count yet
	 */
	void readEnded(int brought) {
		int unused;
		synchronized (this.slotLock) {
			unused = this.readGrant - brought;
			this.readGrant = 0;
		}
		refund(unused);
		reconcile();
	}

	/** Deliveries were accepted: they hold slots until they end. */
	void started(int deliveries) {
		synchronized (this.slotLock) {
			this.inUse += deliveries;
		}
	}

	/** Deliveries ended (done, or given back unstarted): their slots go back. */
	void ended(int deliveries) {
		synchronized (this.slotLock) {
			this.inUse -= deliveries;
		}
		reconcile();
	}

	/** Takes slots for up to {@code wanted} more calls; counted as held once granted. */
	CompletableFuture<Long> acquire(int wanted) {
		try {
			return RedisScripts.ACQUIRE_SLOTS
				.<Long>run(this.connections.shared(),
						new String[] { this.settings.slots(this.queue), this.settings.slotLeases(this.queue),
								this.settings.startTokens(this.queue) },
						this.consumer, String.valueOf(wanted), String.valueOf(this.limits.maxConcurrent()),
						String.valueOf(this.settings.visibilityTimeout().toMillis()), String.valueOf(this.limits.starts()),
						String.valueOf(this.limits.per().toMillis()))
				.thenApply((granted) -> {
					if (granted != null && granted > 0) {
						synchronized (this.slotLock) {
							this.held += granted.intValue();
						}
					}
					return granted;
				});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Gives back the slots held beyond what this consumer reads and runs now. */
	void reconcile() {
		if (!this.limited) {
			return;
		}
		int excess;
		synchronized (this.slotLock) {
			excess = this.held - this.inUse - this.readGrant;
			if (excess <= 0) {
				return;
			}
			this.held -= excess;
		}
		try {
			RedisScripts.RELEASE_SLOTS.run(this.connections.shared(), slotKeys(), this.consumer,
					String.valueOf(excess));
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': giving back {} slots failed (they lapse with their lease): {}", this.queue, excess,
					ex.toString());
		}
	}

	/** Gives back the start tokens of requests granted but not read (no start happened). */
	void refund(int unused) {
		if (unused <= 0 || this.limits.starts() <= 0) {
			return;
		}
		try {
			RedisScripts.REFUND_TOKENS.run(this.connections.shared(),
					new String[] { this.settings.startTokens(this.queue) }, String.valueOf(unused),
					String.valueOf(this.limits.starts()));
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': giving back {} start tokens failed: {}", this.queue, unused, ex.toString());
		}
	}

	private String[] slotKeys() {
		return new String[] { this.settings.slots(this.queue), this.settings.slotLeases(this.queue) };
	}

	/**
	 * Renews this consumer's slots with its leases. Slots found dropped (the lease ran out while
	 * this worker could not renew) are no longer counted: its running calls finish, and new work
	 * waits for slots granted again.
	 */
	void renew() {
		if (!this.limited) {
			return;
		}
		synchronized (this.slotLock) {
			if (this.held <= 0) {
				return;
			}
		}
		RedisScripts.RENEW_SLOTS
			.<Long>run(this.connections.shared(), slotKeys(), this.consumer,
					String.valueOf(this.settings.visibilityTimeout().toMillis()))
			.thenAccept((held) -> {
				if (held != null && held == 0) {
					synchronized (this.slotLock) {
						logger.warn("Queue '{}': this worker's {} concurrency slots lapsed (its lease ran out); they are"
								+ " taken again for new work", this.queue, this.held);
						this.held = 0;
					}
				}
			});
	}

}
