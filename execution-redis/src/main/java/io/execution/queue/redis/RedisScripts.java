package io.execution.queue.redis;

import io.execution.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts that make each multi-step change of the queues atomic. Every script touches
 * keys of one hash slot only (a queue's keys share the tag {@code {q:<queue>}}), so they run on
 * Redis Cluster too, and use only Redis 6.2 commands. Their sources, with what each takes and
 * returns, are resources under {@code io/execution/redis/lua/}.
 */
final class RedisScripts {

	/** Enqueue a batch of requests, each unless the queue is full. See {@code submit.lua}. */
	static final RedisScript SUBMIT = RedisScript.resource("submit.lua", ScriptOutputType.MULTI);

	/**
	 * Finish a batch of requests whose replies Redis already holds (see {@code FINISH}). See {@code
	 * ack.lua}.
	 */
	static final RedisScript ACK = RedisScript.resource("ack.lua", ScriptOutputType.MULTI);

	/**
	 * Answer and finish a batch of requests in one step, where one script may touch every key (a single
	 * Redis or a Sentinel-watched one, not a Cluster): the replies are pushed to their callers' lists and
	 * the requests acknowledged together, so no reply needs stashing first — a worker that stops before
	 * the script leaves both undone, one that stops after leaves both done. See {@code complete.lua}.
	 */
	static final RedisScript COMPLETE = RedisScript.resource("complete.lua", ScriptOutputType.MULTI);

	/**
	 * Put a dead letter back on its queue with a fresh deadline (by Redis' clock) and remove it from the
	 * dead letters, in one step. See {@code requeue.lua}.
	 */
	static final RedisScript REQUEUE = RedisScript.resource("requeue.lua", ScriptOutputType.VALUE);

	/**
	 * Stage a batch of requests in their lanes, each unless the queue is full (the plain stream and the
	 * lanes count together). See {@code submit-laned.lua}.
	 */
	static final RedisScript SUBMIT_LANED = RedisScript.resource("submit-laned.lua", ScriptOutputType.MULTI);

	/**
	 * Take up to a number of requests for a consumer, by priority: levels from the highest down (the plain
	 * stream is level 0), within a level the lanes in turn (a fairness key's weight is how many it gives
	 * per turn), lanes whose requirement the worker's tags do not meet passed over. See {@code take.lua}.
	 */
	static final RedisScript TAKE = RedisScript.resource("take.lua", ScriptOutputType.MULTI);

	/**
	 * Put a request taken from a lane but never started back at the head of its lane. See {@code return-
	 * laned.lua}.
	 */
	static final RedisScript RETURN_LANED = RedisScript.resource("return-laned.lua", ScriptOutputType.INTEGER);

	/**
	 * End an attempt of a request whose service threw and hold its next attempt until it is due, in
	 * its lane, in one step. See {@code retry.lua}.
	 */
	static final RedisScript RETRY = RedisScript.resource("retry.lua", ScriptOutputType.INTEGER);

	/** Hold a request until it is due, by Redis' clock. See {@code schedule.lua}. */
	static final RedisScript SCHEDULE = RedisScript.resource("schedule.lua", ScriptOutputType.INTEGER);

	/**
	 * Move the requests that are due onto the queue (or into their lane), oldest due first, while it has
	 * room: their deadline is their due time plus their timeout. See {@code move-due.lua}.
	 */
	static final RedisScript MOVE_DUE = RedisScript.resource("move-due.lua", ScriptOutputType.MULTI);

	/**
	 * Take up to a number of a queue's global concurrency slots and start tokens for a consumer, dropping
	 * first the slots of consumers whose lease ran out (a worker that stopped). See {@code acquire-
	 * slots.lua}.
	 */
	static final RedisScript ACQUIRE_SLOTS = RedisScript.resource("acquire-slots.lua", ScriptOutputType.INTEGER);

	/** Give back start tokens taken for requests that did not come. See {@code refund-tokens.lua}. */
	static final RedisScript REFUND_TOKENS = RedisScript.resource("refund-tokens.lua", ScriptOutputType.INTEGER);

	/** Give back a consumer's slots. See {@code release-slots.lua}. */
	static final RedisScript RELEASE_SLOTS = RedisScript.resource("release-slots.lua", ScriptOutputType.INTEGER);

	/** Renew a consumer's slot lease. See {@code renew-slots.lua}. */
	static final RedisScript RENEW_SLOTS = RedisScript.resource("renew-slots.lua", ScriptOutputType.INTEGER);

	/**
	 * Take over requests whose worker stopped renewing its lease, but not from a worker that is alive: a
	 * consumer that read or renewed within the visibility timeout keeps its requests (its renewals may
	 * only be late, say while one of its connections reconnects) until they have gone unrenewed for {@code
	 * stale} ms. See {@code reclaim.lua}.
	 */
	static final RedisScript RECLAIM = RedisScript.resource("reclaim.lua", ScriptOutputType.MULTI);

	/**
	 * Give back a request a worker took but never started (it is shutting down): it goes to the back of
	 * the queue for another worker, as a fresh delivery. See {@code return.lua}.
	 */
	static final RedisScript RETURN = RedisScript.resource("return.lua", ScriptOutputType.VALUE);

	/**
	 * Stash the replies of a batch in the queue's own slot before they are pushed: a worker that stops
	 * between the push and the acknowledgement leaves them there, and the worker that takes the request
	 * over sends the reply again instead of taking it for a call that may have run. See {@code stash.lua}.
	 */
	static final RedisScript STASH = RedisScript.resource("stash.lua", ScriptOutputType.INTEGER);

	/** Answer callers of one process. See {@code reply.lua}. */
	static final RedisScript REPLY = RedisScript.resource("reply.lua", ScriptOutputType.INTEGER);

	/**
	 * Forget the consumers of workers that are gone: those holding no request and idle longer than a limit
	 * (a live worker reads again within seconds, and reading makes its consumer again anyway). See {@code
	 * forget.lua}.
	 */
	static final RedisScript FORGET = RedisScript.resource("forget.lua", ScriptOutputType.INTEGER);

	/**
	 * Cancel a request: drop it if no worker read it or it is held until due, and mark it so that a
	 * worker running it stops. See {@code cancel.lua}.
	 */
	static final RedisScript CANCEL = RedisScript.resource("cancel.lua", ScriptOutputType.INTEGER);

	/**
	 * Count the calls running per fairness key under a per-key concurrency limit. See {@code
	 * keys-running.lua}.
	 */
	static final RedisScript KEYS_RUNNING = RedisScript.resource("keys-running.lua", ScriptOutputType.MULTI);

	private RedisScripts() {
	}

}
