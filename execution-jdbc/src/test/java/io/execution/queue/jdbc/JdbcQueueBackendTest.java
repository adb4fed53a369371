package io.execution.queue.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.queue.ConsumerOptions;
import io.execution.queue.QueueConsumer;
import io.execution.queue.QueueDelivery;
import io.execution.queue.QueueLane;
import io.execution.queue.QueuedCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC queue backend on a real PostgreSQL, below the dispatcher: a call crosses from a
 * caller backend to a worker backend (two "processes" with their own ids and listeners); one
 * queued in a transaction is seen only after the commit and never after a rollback; a worker
 * that stops renewing loses an idempotent call to another worker, whose answer counts and the
 * late one does not, and a call that is not idempotent becomes a dead letter, its caller told.
 */
class JdbcQueueBackendTest {

	private static TestPostgres postgres;

	private static DriverManagerDataSource dataSource;

	private final List<AutoCloseable> after = new ArrayList<>();

	private final String queue = "q" + UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void start() {
		postgres = TestPostgres.start();
		dataSource = new DriverManagerDataSource(postgres.url(), "postgres", "");
		JdbcSchema.create(dataSource, "execution_");
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.after.size() - 1; i >= 0; i--) {
			this.after.get(i).close();
		}
	}

	private JdbcQueueBackend backend(Duration visibility) {
		JdbcQueueBackend backend = new JdbcQueueBackend(dataSource,
				() -> DriverManager.getConnection(postgres.url(), "postgres", ""),
				new JdbcQueueSettings("execution_", visibility, 3, Duration.ofMillis(500), Duration.ofMinutes(10), null))
			.start();
		this.after.add(backend);
		return backend;
	}

	@Test
	void aFullQueueRefusesNewCallsNamingItsCapacityUntilCallsAreTaken() throws Exception {
		JdbcQueueBackend caller = new JdbcQueueBackend(dataSource,
				() -> DriverManager.getConnection(postgres.url(), "postgres", ""),
				new JdbcQueueSettings("execution_", Duration.ofSeconds(30), 3, Duration.ofMillis(200), Duration.ofMinutes(10),
						null, 3))
			.start();
		this.after.add(caller);
		List<CompletableFuture<Envelope>> queued = new java.util.ArrayList<>();
		for (int i = 0; i < 3; i++) {
			queued.add(caller.submit(call("full-" + i, true)));
		}
		assertThatThrownBy(() -> caller.submit(call("one-too-many", true)))
			.isInstanceOf(io.execution.ExecutionRejectedException.class)
			.hasMessageContaining("is full")
			.hasMessageContaining("execution.queue.capacity=3");
		assertThat(new JdbcTemplate(dataSource).queryForObject(
				"SELECT count(*) FROM execution_call WHERE invocation_id = 'one-too-many'", Integer.class)).isZero();
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 3, ConsumerOptions.DEFAULT);
		for (int i = 0; i < 3; i++) {
			QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
			delivery.reply(Envelope.of(("done-" + i).getBytes(StandardCharsets.UTF_8)));
		}
		for (CompletableFuture<Envelope> call : queued) {
			call.get(10, TimeUnit.SECONDS);
		}
		// The next count (every poll interval) sees the room.
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
			.until(() -> caller.submit(call("room-again", true)) != null);
	}

	private QueuedCall call(String id, boolean idempotent) {
		return QueuedCall.of(this.queue, id, ("req-" + id).getBytes(StandardCharsets.UTF_8),
				System.nanoTime() + TimeUnit.SECONDS.toNanos(30), idempotent);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A streamed call: its chunks reach the caller in the order sent (small ones and ones too
	 * large for a notification alike), the final answer after the last, and the worker sends no
	 * chunk its caller has not granted.
	 */
	@Test
	void aStreamedCallsChunksArriveInOrderBeforeItsAnswerWithinTheGrants() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
		io.execution.queue.StreamDemand demand = new io.execution.queue.StreamDemand();
		CompletableFuture<Envelope> result = caller.submit(call("streamed", true)
			.streaming((chunk) -> received.add(text(chunk)), demand));
		QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
		int window = io.execution.queue.StreamDemand.WINDOW;
		for (int chunk = 1; chunk <= window; chunk++) {
			delivery.awaitDemand(chunk);
			// Every third chunk is too large to travel in its notification.
			delivery.sendChunk((((chunk % 3 == 0) ? "x".repeat(7000) : "") + "chunk-" + chunk).getBytes(StandardCharsets.UTF_8));
		}
		CompletableFuture<Void> beyond = CompletableFuture.runAsync(() -> {
			try {
				delivery.awaitDemand(window + 1);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == window);
		assertThat(beyond).as("no chunk past the window before the caller reads").isNotDone();
		for (int i = 0; i < 4; i++) {
			demand.read();
		}
		beyond.get(10, TimeUnit.SECONDS);
		delivery.sendChunk(("chunk-" + (window + 1)).getBytes(StandardCharsets.UTF_8));
		delivery.reply(Envelope.of("the end".getBytes(StandardCharsets.UTF_8)));
		assertThat(text(result.get(10, TimeUnit.SECONDS).bytes())).isEqualTo("the end");
		List<String> expected = new ArrayList<>();
		for (int chunk = 1; chunk <= window + 1; chunk++) {
			expected.add("chunk-" + chunk);
		}
		assertThat(received.stream().map((chunk) -> chunk.replace("x", "")).toList()).isEqualTo(expected);
	}

	@Test
	void aCallCrossesToAWorkerAndItsAnswerBack() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 4, ConsumerOptions.DEFAULT);
		List<CompletableFuture<Envelope>> results = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			results.add(caller.submit(call("c" + i, false)));
		}
		for (int i = 0; i < 20; i++) {
			QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
			assertThat(delivery).isNotNull();
			assertThat(delivery.deadlineNanos() - System.nanoTime()).isBetween(TimeUnit.SECONDS.toNanos(20),
					TimeUnit.SECONDS.toNanos(31));
			delivery.reply(Envelope.of(("ok-" + text(delivery.request().bytes())).getBytes(StandardCharsets.UTF_8)));
		}
		for (int i = 0; i < 20; i++) {
			assertThat(text(results.get(i).get(10, TimeUnit.SECONDS).bytes())).isEqualTo("ok-req-c" + i);
		}
		assertThat(worker.take(Duration.ofMillis(200))).as("each call is taken once").isNull();
	}

	@Test
	void aCallQueuedInATransactionIsSeenAfterTheCommitAndNeverAfterARollback() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		CompletableFuture<Envelope>[] rolledBack = new CompletableFuture[1];
		transaction.executeWithoutResult((status) -> {
			rolledBack[0] = caller.submit(call("gone", false));
			status.setRollbackOnly();
		});
		assertThatThrownBy(() -> rolledBack[0].get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ExecutionRejectedException.class)
			.hasMessageContaining("rolled back");
		CompletableFuture<Envelope>[] committed = new CompletableFuture[1];
		transaction.executeWithoutResult((status) -> {
			committed[0] = caller.submit(call("kept", false));
			// Another thread, outside this transaction, as a worker is.
			assertThat(CompletableFuture.supplyAsync(() -> {
				try {
					return worker.take(Duration.ofMillis(700));
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}).join()).as("not before the commit").isNull();
		});
		QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
		assertThat(delivery.invocationId()).isEqualTo("kept");
		delivery.reply(Envelope.of("done".getBytes(StandardCharsets.UTF_8)));
		assertThat(text(committed[0].get(10, TimeUnit.SECONDS).bytes())).isEqualTo("done");
		assertThat(new JdbcTemplate(dataSource).queryForObject(
				"SELECT count(*) FROM execution_call WHERE invocation_id = 'gone'", Integer.class)).isZero();
	}

	@Test
	void aStoppedWorkersIdempotentCallRunsElsewhereAndItsLateAnswerIsDropped() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		// The first worker's backend takes the call and then stops renewing (its upkeep is gone).
		JdbcQueueBackend stopped = backend(Duration.ofSeconds(1));
		QueueConsumer first = stopped.consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		CompletableFuture<Envelope> result = caller.submit(call("again", true));
		QueueDelivery taken = first.take(Duration.ofSeconds(10));
		assertThat(taken.invocationId()).isEqualTo("again");
		stopped.stopUpkeep();
		QueueConsumer second = backend(Duration.ofSeconds(1)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		QueueDelivery retaken = second.take(Duration.ofSeconds(15));
		assertThat(retaken).isNotNull();
		assertThat(retaken.invocationId()).isEqualTo("again");
		retaken.reply(Envelope.of("second".getBytes(StandardCharsets.UTF_8)));
		assertThat(text(result.get(10, TimeUnit.SECONDS).bytes())).isEqualTo("second");
		// The answer came in its notification; the caller's next poll deletes its row.
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String replies = "SELECT count(*) FROM execution_reply WHERE invocation_id = 'again'";
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.queryForObject(replies, Integer.class) == 0);
		taken.reply(Envelope.of("first, late".getBytes(StandardCharsets.UTF_8)));
		assertThat(jdbc.queryForObject(replies, Integer.class)).as("the late answer is not written").isZero();
	}

	@Test
	void aStoppedWorkersCallThatIsNotIdempotentIsADeadLetterItsCallerTold() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		JdbcQueueBackend stopped = backend(Duration.ofSeconds(1));
		QueueConsumer first = stopped.consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		CompletableFuture<Envelope> result = caller.submit(call("once", false));
		assertThat(first.take(Duration.ofSeconds(10)).invocationId()).isEqualTo("once");
		stopped.stopUpkeep();
		backend(Duration.ofSeconds(1)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		String answer = text(result.get(20, TimeUnit.SECONDS).bytes());
		assertThat(answer).contains("\"id\":\"once\"", "\"ok\":false", "may-have-run", "@Idempotent");
		assertThat(new JdbcTemplate(dataSource).queryForObject(
				"SELECT cause FROM execution_dead_letter WHERE invocation_id = 'once' AND queue = ?", String.class,
				this.queue)).contains("not idempotent");
	}

	@Test
	void aCancelledWaitingCallIsDropped() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		CompletableFuture<Envelope> result = caller.submit(call("dropped", false));
		result.cancel(true);
		await().atMost(Duration.ofSeconds(10)).until(() -> new JdbcTemplate(dataSource).queryForObject(
				"SELECT count(*) FROM execution_call WHERE invocation_id = 'dropped' AND queue = ?", Integer.class,
				this.queue) == 0);
		assertThat(backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT)
			.take(Duration.ofMillis(300))).isNull();
	}

	@Test
	void aCallRequiringTagsGoesOnlyToAWorkerWithThem() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer plain = backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		CompletableFuture<Envelope> result = caller
			.submit(call("gpu", false).in(new QueueLane(0, null, java.util.Map.of("gpu", "true"))));
		assertThat(plain.take(Duration.ofMillis(700))).isNull();
		QueueConsumer gpu = backend(Duration.ofSeconds(30)).consumer(this.queue, 1,
				new ConsumerOptions(io.execution.queue.QueueLimits.NONE, java.util.Map.of("gpu", "true", "zone", "a"),
						java.util.Map.of(), Duration.ofSeconds(5)));
		QueueDelivery delivery = gpu.take(Duration.ofSeconds(10));
		assertThat(delivery.invocationId()).isEqualTo("gpu");
		delivery.reply(Envelope.of("ran".getBytes(StandardCharsets.UTF_8)));
		assertThat(text(result.get(10, TimeUnit.SECONDS).bytes())).isEqualTo("ran");
	}

	@Test
	void aCallDueLaterWaitsUntilDue() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		long start = System.nanoTime();
		caller.submit(call("later", false).dueIn(1500, 10_000));
		QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
		assertThat(delivery.invocationId()).isEqualTo("later");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
	}

	/**
	 * A call cancelled while it runs is interrupted on its worker at once (told on the work
	 * channel), not at its next lease renewal, which comes every 10 s here.
	 */
	@Test
	void aCallCancelledWhileRunningIsInterruptedOnItsWorkerAtOnce() throws Exception {
		JdbcQueueBackend caller = backend(Duration.ofSeconds(30));
		QueueConsumer worker = backend(Duration.ofSeconds(30)).consumer(this.queue, 1, ConsumerOptions.DEFAULT);
		CompletableFuture<Envelope> result = caller.submit(call("stop", false));
		QueueDelivery delivery = worker.take(Duration.ofSeconds(10));
		java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
		delivery.onCancel(stopped::countDown);
		result.cancel(true);
		assertThat(stopped.await(3, TimeUnit.SECONDS)).as("the worker heard the cancel").isTrue();
	}

}
