package io.execution.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code db-scheduler} peer: each call a one-time task of db-scheduler (the job library for
 * a PostgreSQL a Spring team is likely to pick), as its user writes a call that needs an answer.
 * The caller schedules the task for now through a {@link SchedulerClient} (the payload, its id and
 * the caller's channel as the task's data, in UTF-8, not Java serialization); {@code --workers}
 * schedulers of 8 threads each (one per worker application) poll with lock-and-fetch every
 * {@value #POLL_MILLIS} ms when idle (its default, 10 s, suits schedules, not calls), run {@link
 * EchoService} and send the answer in a {@code NOTIFY} on the caller's channel. Its heartbeats and
 * dead-execution revival are on; it has no wake-up across processes, so an idle worker finds a
 * call at its next poll.
 */
final class DbSchedulerPeer implements AutoCloseable {

	/** How often an idle scheduler looks for due tasks. */
	static final long POLL_MILLIS = 10;

	private static final Serializer TEXT = new Serializer() {

		@Override
		public byte[] serialize(Object data) {
			return ((String) data).getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public <T> T deserialize(Class<T> type, byte[] data) {
			return type.cast(new String(data, StandardCharsets.UTF_8));
		}

	};

	private final HikariDataSource pool;

	private final String table = "bench_tasks_" + Long.toHexString(System.nanoTime());

	private final PgAnswers answers;

	private final OneTimeTask<String> task;

	private final List<Scheduler> schedulers = new ArrayList<>();

	private final SchedulerClient client;

	DbSchedulerPeer(int workers) throws Exception {
		this.pool = JdbcSkipLockedPeer.pool(workers * 8 + 16 + 4);
		JdbcClient jdbc = JdbcClient.create(this.pool);
		// db-scheduler's table for PostgreSQL, as its documentation gives it.
		jdbc.sql("CREATE TABLE " + this.table + " (task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA,"
				+ " execution_time TIMESTAMPTZ NOT NULL, picked BOOLEAN NOT NULL, picked_by TEXT, last_success TIMESTAMPTZ,"
				+ " last_failure TIMESTAMPTZ, consecutive_failures INT, last_heartbeat TIMESTAMPTZ, version BIGINT NOT NULL,"
				+ " priority SMALLINT, PRIMARY KEY (task_name, task_instance))").update();
		jdbc.sql("CREATE INDEX " + this.table + "_execution_time ON " + this.table + " (execution_time)").update();
		jdbc.sql("CREATE INDEX " + this.table + "_last_heartbeat ON " + this.table + " (last_heartbeat)").update();
		this.answers = new PgAnswers(null, null);
		EchoService service = new EchoService();
		this.task = Tasks.oneTime("echo", String.class).execute((instance, context) -> {
			String data = instance.getData();
			int first = data.indexOf('\n');
			int second = data.indexOf('\n', first + 1);
			String answer = service.echo(data.substring(second + 1));
			jdbc.sql("SELECT pg_notify(?, ?)")
				.params(data.substring(first + 1, second), data.substring(0, first) + "\n" + answer)
				.query((row, i) -> 1)
				.list();
		});
		for (int i = 0; i < workers; i++) {
			Scheduler scheduler = Scheduler.create(this.pool, this.task)
				.tableName(this.table)
				.serializer(TEXT)
				.threads(8)
				.pollingInterval(Duration.ofMillis(POLL_MILLIS))
				.pollUsingLockAndFetch(0.5, 1.0)
				.build();
			scheduler.start();
			this.schedulers.add(scheduler);
		}
		this.client = SchedulerClient.Builder.create(this.pool, this.task).tableName(this.table).serializer(TEXT).build();
	}

	UnaryOperator<String> call() {
		return (payload) -> this.answers.call((id) -> this.client.schedule(
				this.task.instance(id, id + "\n" + this.answers.channel() + "\n" + payload), Instant.now()));
	}

	@Override
	public void close() throws InterruptedException {
		this.schedulers.forEach(Scheduler::stop);
		JdbcClient.create(this.pool).sql("DROP TABLE IF EXISTS " + this.table).update();
		this.answers.close();
		this.pool.close();
	}

}
