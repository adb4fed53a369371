package io.execution.queue.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.ExecutionTimeoutException;
import io.execution.codec.Envelope;
import io.execution.core.ExecutionEvents;
import io.execution.core.Futures;
import io.execution.queue.QueueLane;
import io.execution.queue.QueuedCall;
import io.execution.redis.RedisConnections;
import io.lettuce.core.SetArgs;

/**
 * The caller's side of Redis queues: puts calls on their queue (plain requests in batches, one
 * script a batch; a lane's with one script each; calls due later in the queue's schedule), and
 * takes back those whose caller gave up. Replies come through {@link RedisReplies}.
 */
final class RedisProducer {

	private final RedisQueueBackend backend;

	private final RedisConnections connections;

	private final RedisQueueSettings settings;

	private final ExpiryRefreshes expiries;

	private final ExecutionEvents events;

	private final RedisReplies replies;

	RedisProducer(RedisQueueBackend backend, RedisReplies replies) {
		this.backend = backend;
		this.connections = backend.connections();
		this.settings = backend.settings();
		this.expiries = backend.expiries();
		this.events = backend.events();
		this.replies = replies;
	}

	/**
	 * Puts a call on its queue, as {@link io.execution.queue.QueueBackend#submit(QueuedCall)}
	 * says; a streamed call's chunks go to its consumer until it completes.
	 */
	CompletableFuture<Envelope> submit(QueuedCall call) {
		if (!call.streamed()) {
			return place(call);
		}
		this.replies.streaming(call.invocationId(), call.chunks());
		String credit = (call.demand() != null) ? grant(call) : null;
		CompletableFuture<Envelope> result;
		try {
			result = place(call);
		}
		catch (RuntimeException ex) {
			this.replies.streamed(call.invocationId());
			throw ex;
		}
		result.whenComplete((body, failure) -> {
			this.replies.streamed(call.invocationId());
			if (credit != null) {
				this.connections.shared().del(credit);
			}
		});
		return result;
	}

	/**
	 * Grants a streamed call's worker its first window before the call is placed, then each
	 * further grant as the caller reads: the worker reads them from the key (an absent key is a
	 * caller that grants nothing, as an earlier version).
	 */
	private String grant(QueuedCall call) {
		String credit = this.settings.credit(this.replies.key(), call.invocationId());
		long ttl = Math.max(1, TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos() - System.nanoTime()))
				+ TimeUnit.MINUTES.toMillis(1) + call.delayMillis();
		var redis = this.connections.shared();
		try {
			redis.set(credit, String.valueOf(call.demand().granted()), SetArgs.Builder.px(ttl)).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			this.replies.streamed(call.invocationId());
			throw new ExecutionRejectedException("Queue '" + call.queue() + "': the stream [" + call.invocationId()
					+ "] cannot be opened, Redis did not take its first grant: " + ex, ex);
		}
		call.demand().onGrant((granted) -> redis.set(credit, String.valueOf(granted), SetArgs.Builder.px(ttl)));
		return credit;
	}

	private CompletableFuture<Envelope> place(QueuedCall call) {
		if (call.later()) {
			return later(call.queue(), call.invocationId(), call.request().bytes(), call.delayMillis(), call.timeoutMillis(),
					call.idempotent(), call.lane());
		}
		if (call.lane().isDefault()) {
			return plain(call.queue(), call.invocationId(), call.request().bytes(), call.deadlineNanos(), call.idempotent());
		}
		return laned(call.queue(), call.invocationId(), call.request().bytes(), call.deadlineNanos(), call.idempotent(),
				call.lane());
	}

	/** Puts a request on the plain queue, with the next batch of this queue's requests. */
	private CompletableFuture<Envelope> plain(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent) {
		CompletableFuture<Envelope> result = this.replies.expect(queue, invocationId);
		CompletableFuture<String> added = new CompletableFuture<>();
		this.submissions.computeIfAbsent(queue, this::submitter)
			.add(new Pending(invocationId, request, deadlineNanos, idempotent, result, added));
		added.whenComplete((entryId, failure) -> rejectUnless(result, queue, invocationId, entryId != null, failure));
		result.whenComplete((body, failure) -> {
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				added.thenAccept((entryId) -> {
					if (entryId != null) {
						cancel(queue, invocationId, entryId);
					}
				});
			}
		});
		return result;
	}

	/**
	 * Stages a request in its lane with one script (priority level, fairness key, requirement):
	 * a worker takes it by priority, keys in turn, only with the tags it requires. A request
	 * no live worker could take is refused at once.
	 */
	private CompletableFuture<Envelope> laned(String queue, String invocationId, byte[] request, long deadlineNanos,
			boolean idempotent, QueueLane lane) {
		if (!lane.requires().isEmpty()) {
			String unavailable = this.backend.unavailable(queue, lane.requires());
			if (unavailable != null) {
				throw new ExecutionRejectedException("Call [" + invocationId + "] cannot run: " + unavailable);
			}
		}
		CompletableFuture<Envelope> result = this.replies.expect(queue, invocationId);
		long timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
		CompletableFuture<List<Object>> staged;
		try {
			staged = RedisScripts.SUBMIT_LANED.call(this.connections.shared(),
					new String[] { this.settings.requests(queue) }, this.settings.laneBase(queue),
					String.valueOf(this.settings.capacity()), String.valueOf(this.settings.retention().toMillis()),
					invocationId, request, String.valueOf(timeout), this.replies.key(),
					idempotent ? "1" : "0", String.valueOf(lane.priority()), laneName(lane));
		}
		catch (RuntimeException ex) {
			staged = CompletableFuture.failedFuture(ex);
		}
		staged.whenComplete((added, failure) -> rejectUnless(result, queue, invocationId,
				added != null && !added.isEmpty() && added.get(0) != null, failure));
		result.whenComplete((body, failure) -> {
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				// A staged request is dropped by the worker that takes it: it finds the marker first.
				cancel(queue, invocationId, "");
			}
		});
		return result;
	}

	/**
	 * Fails a call whose request Redis did not take: unreachable (the failure), or full (not
	 * added).
	 */
	private void rejectUnless(CompletableFuture<Envelope> result, String queue, String invocationId, boolean added,
			Throwable failure) {
		if (failure != null) {
			result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue
					+ "' is unreachable: Redis refused or did not answer (" + Futures.unwrap(failure) + ") ["
					+ invocationId + "]", failure));
		}
		else if (!added) {
			result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue + "' is full: "
					+ this.settings.capacity() + " requests wait or run already (execution.queue.capacity) ["
					+ invocationId + "]"));
		}
	}

	/** A lane's name in Redis: its requirement, then its fairness key. */
	static String laneName(QueueLane lane) {
		return lane.requirement() + "|" + ((lane.fairnessKey() != null) ? lane.fairnessKey() : "");
	}

	/** Holds a request until it is due, by Redis' clock; its lane is kept for then. */
	private CompletableFuture<Envelope> later(String queue, String invocationId, byte[] request, long delayMillis,
			long timeoutMillis, boolean idempotent, QueueLane lane) {
		CompletableFuture<Envelope> result = this.replies.expect(queue, invocationId);
		if (!lane.isDefault()) {
			// Its lane is kept first: a request moved when due without it would join the plain queue.
			try {
				this.connections.shared()
					.hset(this.settings.scheduledLanes(queue), invocationId, lane.priority() + "\n" + laneName(lane))
					.get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				result.cancel(false);
				throw new ExecutionRejectedException("Queue '" + queue + "' is unreachable: Redis refused or did not"
						+ " answer (" + ex + ") [" + invocationId + "]", ex);
			}
		}
		RedisScripts.SCHEDULE
			.<Long>call(this.connections.shared(),
					new String[] { this.settings.scheduled(queue), this.settings.scheduledBodies(queue) }, invocationId,
					String.valueOf(delayMillis), String.valueOf(timeoutMillis), this.replies.key(), idempotent ? "1" : "0",
					request, String.valueOf(this.settings.retention().toMillis()))
			.whenComplete((due, failure) -> {
				if (failure != null) {
					result.completeExceptionally(new ExecutionRejectedException("Queue '" + queue
							+ "' is unreachable: Redis refused or did not answer (" + Futures.unwrap(failure) + ") ["
							+ invocationId + "]", failure));
				}
			});
		result.whenComplete((body, failure) -> {
			if (result.isCancelled() || failure instanceof ExecutionTimeoutException) {
				// Dropped if still held; marked in case it reached the queue meanwhile. Never waited for here.
				cancel(queue, invocationId, "");
			}
		});
		return result;
	}

	/**
	 * Moves a queue's due requests onto it (a worker of the queue does this on its maintenance
	 * tick), telling how late each is.
	 * @param queue the queue
	 * @return the requests moved
	 */
	CompletableFuture<Integer> moveDue(String queue) {
		return RedisScripts.MOVE_DUE
			.<List<Object>>run(this.connections.shared(),
					new String[] { this.settings.scheduled(queue), this.settings.scheduledBodies(queue),
							this.settings.requests(queue), this.settings.scheduledLanes(queue) },
					String.valueOf(MOVE_BATCH), String.valueOf(this.settings.capacity()),
					String.valueOf(this.settings.retention().toMillis()), this.settings.laneBase(queue))
			.thenApply((late) -> {
				for (Object lateness : late) {
					this.events.scheduledStarted(queue, ((Number) lateness).longValue());
				}
				return late.size();
			});
	}

	/** The most due requests one move takes. */
	static final int MOVE_BATCH = 200;

	/** A request waiting to be put on its queue with the next batch. */
	private record Pending(String invocationId, byte[] body, long deadlineNanos, boolean idempotent,
			CompletableFuture<Envelope> result, CompletableFuture<String> added) {
	}

	private static final int SUBMIT_BATCH_ITEMS = 64;

	private static final int BATCH_BYTES = 1 << 20;

	private Batcher<Pending> submitter(String queue) {
		Batcher<Pending> batcher = new Batcher<>((batch) -> sendSubmissions(queue, batch),
				(batch, failure) -> batch.forEach((submission) -> submission.added().completeExceptionally(failure)),
				SUBMIT_BATCH_ITEMS, (submission) -> submission.body().length, BATCH_BYTES);
		this.backend.register(batcher);
		return batcher;
	}

	/**
	 * Puts a batch of requests on a queue with one script. A request whose caller gave up while
	 * it waited for the batch is left out.
	 */
	private CompletableFuture<List<Object>> sendSubmissions(String queue, List<Pending> batch) {
		String stream = this.settings.requests(queue);
		List<Pending> sent = new ArrayList<>(batch.size());
		List<Object> args = new ArrayList<>(3 + batch.size() * 5);
		args.add(String.valueOf(this.settings.capacity()));
		args.add(String.valueOf(this.settings.retention().toMillis()));
		args.add(this.expiries.due(stream));
		long now = System.nanoTime();
		for (Pending submission : batch) {
			if (submission.result().isDone()) {
				submission.added().complete(null);
				continue;
			}
			sent.add(submission);
			args.add(submission.invocationId());
			args.add(submission.body());
			args.add(String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toMillis(submission.deadlineNanos() - now))));
			args.add(this.replies.key());
			args.add(submission.idempotent() ? "1" : "0");
		}
		if (sent.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<List<Object>> added = RedisScripts.SUBMIT.call(this.connections.shared(),
				new String[] { stream }, args.toArray());
		return added.whenComplete((entryIds, failure) -> {
			for (int i = 0; i < sent.size(); i++) {
				if (failure != null) {
					sent.get(i).added().completeExceptionally(failure);
				}
				else {
					Object entryId = (i < entryIds.size()) ? entryIds.get(i) : null;
					sent.get(i).added().complete((entryId != null) ? entryId.toString() : null);
				}
			}
		});
	}

	private final Map<String, Batcher<Pending>> submissions = new ConcurrentHashMap<>();

	/**
	 * Drops the request if no worker read it (its entry id known, else {@code ""}), or its next
	 * attempt if that waits until due, and marks it: a worker running it finds the marker within a
	 * second, and does not hold a next attempt. One script, one round trip.
	 */
	private CompletableFuture<Long> cancel(String queue, String invocationId, String entryId) {
		try {
			return RedisScripts.CANCEL.run(this.connections.shared(),
					new String[] { this.settings.requests(queue), this.settings.cancelMarker(queue, invocationId),
							this.settings.scheduled(queue), this.settings.scheduledBodies(queue),
							this.settings.scheduledLanes(queue) },
					entryId, String.valueOf(this.settings.retention().toMillis()), invocationId);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Cancels a request by its invocation id, from any process.
	 * @param queue the queue
	 * @param invocationId the invocation id
	 * @return {@code true}: the cancellation was sent
	 */
	boolean cancel(String queue, String invocationId) {
		try {
			cancel(queue, invocationId, "").get(5, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new ExecutionRejectedException("Cannot cancel [" + invocationId + "] on queue '" + queue
					+ "': Redis refused or did not answer (" + ex + ")", ex);
		}
	}

}
