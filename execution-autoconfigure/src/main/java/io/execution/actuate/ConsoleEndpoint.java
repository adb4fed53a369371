package io.execution.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.execution.ExecutionException;
import io.execution.async.DefaultExecutions;
import io.execution.queue.DeadLetters;
import io.execution.worker.WorkerOperations;
import io.execution.worker.Workers;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.util.MimeType;

/**
 * Actuator endpoint {@code console}: a web page for operators — endpoints with their circuits
 * and live charts, queues, workers (drain, resume), executions (filter, detail, cancel) and dead
 * letters (inspect, requeue, delete). It is an Actuator endpoint so that it lives where the
 * others do ({@code management.server.port}, {@code management.endpoints.web.base-path}) under
 * the same security: reading it takes read access, every action takes write access to
 * {@code console} (and none is offered with {@code execution.console.read-only} or
 * {@code management.endpoint.console.access=read-only}).
 * <ul>
 * <li>{@code GET /actuator/console}: the page; {@code GET …/console.js}, {@code …/console.css}:
 * its script and style, from this jar (nothing from a CDN).</li>
 * <li>{@code GET …/snapshot}: endpoints, queues and workers, made at most once per
 * {@code execution.console.refresh-interval} and shared by every open page.</li>
 * <li>{@code GET …/executions?status=&service=&key=&since=&offset=}, {@code …/execution?id=},
 * {@code …/deadletters?queue=}: the lists the page filters and pages through.</li>
 * <li>{@code POST …/console} with JSON {@code {"action": …}}: {@code probe} (may this user
 * write?), {@code drain} and {@code resume} (this application's pools, or with {@code worker}
 * another process's, through the registry), {@code cancel}
 * ({@code id}), {@code requeue}, {@code delete} ({@code queue}, {@code id}), {@code purge},
 * {@code pause-queue}, {@code resume-queue} and {@code requeue-all} ({@code queue}), {@code cancel-all}
 * (the executions filter: {@code status}, {@code service}, {@code key}, {@code since}). A write takes a JSON body,
 * which a form on another site cannot send.</li>
 * </ul>
 */
@WebEndpoint(id = "console")
public class ConsoleEndpoint {

	private static final MimeType HTML = MimeType.valueOf("text/html;charset=UTF-8");

	private static final Map<String, MimeType> ASSETS = Map.of("console.js",
			MimeType.valueOf("text/javascript;charset=UTF-8"), "console.css", MimeType.valueOf("text/css;charset=UTF-8"));

	private static final Set<String> ACTIONS = Set.of("probe", "drain", "resume", "cancel", "requeue", "delete", "purge",
			"pause-queue", "resume-queue", "requeue-all", "cancel-all", "pause-recurring", "resume-recurring",
			"trigger-recurring");

	private final ConsoleSnapshots snapshots;

	private final ExecutionsEndpoint executions;

	private final DeadLettersEndpoint deadLetters;

	private final WorkerOperations operations;

	private final Workers workers;

	private io.execution.queue.QueueControl queues;

	/**
	 * Lets the console pause and resume queues.
	 * @param queues the queues' control, or {@code null} without a queue backend
	 * @return this endpoint
	 */
	public ConsoleEndpoint queueControl(io.execution.queue.QueueControl queues) {
		this.queues = queues;
		return this;
	}

	private io.execution.recurring.RecurringCalls recurring;

	/**
	 * Lets the console show, pause, resume and trigger recurring calls.
	 * @param recurring the recurring calls, or {@code null} when there are none
	 * @return this endpoint
	 */
	public ConsoleEndpoint recurringCalls(io.execution.recurring.RecurringCalls recurring) {
		this.recurring = recurring;
		return this;
	}

	/**
	 * Makes the endpoint.
	 * @param snapshots the shared snapshots
	 * @param executions the executions, or {@code null} when the application keeps none
	 * @param deadLetters the dead letters, or {@code null} without a queue backend
	 * @param report names the queues this application knows
	 * @param operations this application's pools, or {@code null} when it runs none
	 * @param workers reaches other processes' workers by id to drain and resume them, or {@code null}
	 */
	public ConsoleEndpoint(ConsoleSnapshots snapshots, @Nullable DefaultExecutions executions,
			@Nullable DeadLetters deadLetters, ExecutionReport report, @Nullable WorkerOperations operations,
			@Nullable Workers workers) {
		this.workers = workers;
		this.snapshots = snapshots;
		this.executions = (executions != null) ? new ExecutionsEndpoint(executions) : null;
		this.deadLetters = (deadLetters != null) ? new DeadLettersEndpoint(deadLetters, report) : null;
		this.operations = operations;
	}

	/**
	 * The page.
	 * @return the HTML
	 */
	@ReadOperation(produces = "text/html")
	public WebEndpointResponse<Resource> page() {
		return new WebEndpointResponse<>(new ClassPathResource("io/execution/console/console.html"), HTML);
	}

	/**
	 * The page's script and style, the snapshot and the lists it shows.
	 * @param part {@code console.js}, {@code console.css}, {@code snapshot}, {@code executions},
	 * {@code execution} or {@code deadletters}
	 * @param status executions: only this status
	 * @param service executions: only this service
	 * @param key executions: only this idempotency key
	 * @param since executions: created at or after (ISO-8601)
	 * @param offset executions and dead letters: how many to skip
	 * @param id execution: its id
	 * @param queue dead letters: the queue
	 * @return the part, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<Object> part(@Selector String part, @Nullable String status, @Nullable String service,
			@Nullable String key, @Nullable String since, @Nullable Integer offset, @Nullable String id,
			@Nullable String queue) {
		MimeType asset = ASSETS.get(part);
		if (asset != null) {
			return new WebEndpointResponse<>(new ClassPathResource("io/execution/console/" + part), asset);
		}
		return switch (part) {
			case "snapshot" -> new WebEndpointResponse<>(this.snapshots.current());
			case "executions" -> (this.executions != null)
					? new WebEndpointResponse<>(this.executions.list(blank(status), blank(service), blank(key), blank(since),
							null, offset, 50))
					: new WebEndpointResponse<>(Map.of("executions", java.util.List.of(), "offset", 0));
			case "execution" -> {
				Map<String, Object> record = (this.executions != null && id != null) ? this.executions.one(id) : null;
				yield (record != null) ? new WebEndpointResponse<>(record)
						: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
			}
			case "recurring" -> new WebEndpointResponse<>(Map.of("recurring", (this.recurring != null)
					? this.recurring.list().stream().map(io.execution.recurring.RecurringState::toJson).toList()
					: java.util.List.of()));
			case "deadletters" -> (this.deadLetters != null && queue != null)
					? new WebEndpointResponse<>(this.deadLetters.list(queue, offset, 50))
					: new WebEndpointResponse<>(Map.of("deadLetters", java.util.List.of(), "count", 0));
			default -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		};
	}

	/**
	 * Does what an operator asked.
	 * @param action {@code probe}, {@code drain}, {@code resume}, {@code cancel}, {@code requeue},
	 * {@code delete} or {@code purge}
	 * @param id the execution (cancel) or dead letter (requeue, delete)
	 * @param queue the dead letter's queue
	 * @param worker drain and resume: another process's worker, reached by its id
	 * ({@link Workers#of(String)}); none for this application's pools
	 * @param status cancel-all: only executions of this status
	 * @param service cancel-all: only executions of this service
	 * @param key cancel-all: only the execution of this key
	 * @param since cancel-all: only executions created since (ISO-8601)
	 * @return what happened; 403 when the console is read-only
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> act(String action, @Nullable String id, @Nullable String queue,
			@Nullable String worker, @Nullable String status, @Nullable String service, @Nullable String key,
			@Nullable String since) {
		if (!ACTIONS.contains(action)) {
			throw new InvalidEndpointRequestException("Unknown action '" + action + "': one of " + ACTIONS,
					"unknown action");
		}
		if (this.snapshots.readOnly()) {
			return new WebEndpointResponse<>(Map.of("error", "read-only", "message",
					"The console is read-only (execution.console.read-only=true)"), 403);
		}
		Map<String, Object> done = new LinkedHashMap<>();
		done.put("action", action);
		try {
			switch (action) {
				case "probe" -> done.put("writable", true);
				case "drain", "resume" -> {
					if (worker != null && !worker.isBlank() && !worker.equals(this.snapshots.self())) {
						if (this.workers == null) {
							throw new InvalidEndpointRequestException("Worker '" + worker + "' cannot be reached from here:"
									+ " drain it from its own application", "not reachable");
						}
						// That worker alone, over HTTP or its own control queue; it answers with its pools.
						WorkerOperations remote = this.workers.of(worker);
						done.put("worker", worker);
						done.put("requested", true);
						done.put("pools", ("drain".equals(action) ? remote.drain() : remote.resume()).pools());
						return new WebEndpointResponse<>(done);
					}
					if (this.operations == null) {
						throw new InvalidEndpointRequestException("This application runs no worker pools",
								"no worker pools (execution.worker.enabled is false)");
					}
					done.put("pools", ("drain".equals(action) ? this.operations.drain() : this.operations.resume()).pools());
				}
				case "pause-queue", "resume-queue" -> {
					if (this.queues == null) {
						throw new InvalidEndpointRequestException("This application has no queue backend", "no queues");
					}
					String name = required(queue, "queue");
					if ("pause-queue".equals(action)) {
						this.queues.pause(name);
					}
					else {
						this.queues.resume(name);
					}
					done.put("queue", name);
					done.put("paused", this.queues.isPaused(name));
				}
				case "cancel" -> {
					done.putAll(executions().cancel(required(id, "id")));
					// A page's button may be older than the execution's end: say what it ended as.
					Map<String, Object> record = this.executions.one(id);
					if (record != null) {
						done.put("status", record.get("status"));
					}
				}
				case "requeue" -> done.putAll(deadLetters().requeue(required(queue, "queue"), required(id, "id"), null));
				case "delete" -> done.putAll(deadLetters().delete(required(queue, "queue"), required(id, "id")));
				case "requeue-all" -> done.putAll(deadLetters().requeueAll(required(queue, "queue"), null, null, null));
				case "pause-recurring", "resume-recurring", "trigger-recurring" -> done.putAll(RecurringActions
					.apply(this.recurring, required(id, "id"), action.substring(0, action.indexOf('-'))));
				case "cancel-all" -> done.putAll(executions().cancelAll(blank(status), blank(service), blank(key),
						blank(since), null));
				default -> done.putAll(deadLetters().purge(required(queue, "queue"), null, null, null));
			}
		}
		catch (ExecutionException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "not done");
		}
		return new WebEndpointResponse<>(done);
	}

	private ExecutionsEndpoint executions() {
		if (this.executions == null) {
			throw new InvalidEndpointRequestException("This application keeps no executions", "no executions");
		}
		return this.executions;
	}

	private DeadLettersEndpoint deadLetters() {
		if (this.deadLetters == null) {
			throw new InvalidEndpointRequestException("This application has no queue backend", "no dead letters");
		}
		return this.deadLetters;
	}

	private static String required(@Nullable String value, String name) {
		if (value == null || value.isBlank()) {
			throw new InvalidEndpointRequestException("'" + name + "' is required for this action", "missing " + name);
		}
		return value;
	}

	private static @Nullable String blank(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
