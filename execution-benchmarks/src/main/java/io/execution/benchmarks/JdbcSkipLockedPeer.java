package io.execution.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code jdbc-skip-locked} peer: a work queue on PostgreSQL as a competent user writes it with
 * Spring's {@link JdbcClient} and a HikariCP pool, with nothing of Execution. Callers insert a
 * job (its id, payload and {@code NOTIFY} of the workers' channel in one statement); {@code
 * --workers} × 8 worker threads each take the oldest job with {@code DELETE … FOR UPDATE SKIP
 * LOCKED}, run {@link EchoService} and send the answer back in a {@code NOTIFY} on the caller's
 * channel (payloads up to 8 KB); one listening connection wakes idle workers and completes the
 * callers' futures. No leases, take-over, deadlines, transactional enqueue or dead letters: the
 * floor a queue on PostgreSQL costs.
 */
final class JdbcSkipLockedPeer implements AutoCloseable {

	/** The database: {@code -Dbench.jdbc-url} (run-jdbc.sh starts a throwaway cluster), user postgres. */
	static String url() {
		return System.getProperty("bench.jdbc-url", "jdbc:postgresql://127.0.0.1:5433/postgres");
	}

	/** A pool of connections to it, as a Spring Boot application gets. */
	static HikariDataSource pool(int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url());
		pool.setUsername("postgres");
		pool.setMaximumPoolSize(size);
		return pool;
	}

	/**
	 * The CPU time the PostgreSQL server has used: its postmaster's, its live backends' and
	 * those that ended, read from {@code /proc} ({@code -Dbench.pg-data} names its data
	 * directory); -1 when unknown.
	 */
	static long postgresCpuNanos() {
		String data = System.getProperty("bench.pg-data");
		if (data == null) {
			return -1;
		}
		try {
			String postmaster = Files.readAllLines(Path.of(data, "postmaster.pid")).get(0).trim();
			long ticks = 0;
			try (var processes = Files.list(Path.of("/proc"))) {
				for (Path process : (Iterable<Path>) processes::iterator) {
					String name = process.getFileName().toString();
					if (!name.chars().allMatch(Character::isDigit)) {
						continue;
					}
					String[] stat;
					try {
						String line = Files.readString(process.resolve("stat"));
						stat = line.substring(line.lastIndexOf(')') + 2).split(" ");
					}
					catch (java.io.IOException ex) {
						continue;
					}
					// After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
					if (name.equals(postmaster)) {
						ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13])
								+ Long.parseLong(stat[14]);
					}
					else if (stat[1].equals(postmaster)) {
						ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
					}
				}
			}
			return ticks * 10_000_000L;
		}
		catch (java.io.IOException | RuntimeException ex) {
			return -1;
		}
	}

	private final HikariDataSource pool;

	private final JdbcClient jdbc;

	private final String table = "bench_jobs_" + Long.toHexString(System.nanoTime());

	private final PgAnswers answers;

	private final ExecutorService workers;

	private final Object work = new Object();

	private volatile boolean open = true;

	JdbcSkipLockedPeer(int workerThreads) throws Exception {
		this.pool = pool(workerThreads + 16);
		DataSource dataSource = this.pool;
		this.jdbc = JdbcClient.create(dataSource);
		this.jdbc.sql("CREATE TABLE " + this.table + " (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
				+ " job_id TEXT NOT NULL, payload TEXT NOT NULL, reply TEXT NOT NULL)").update();
		this.answers = new PgAnswers(this.table, () -> {
			synchronized (this.work) {
				this.work.notifyAll();
			}
		});
		this.workers = Executors.newFixedThreadPool(workerThreads);
		EchoService service = new EchoService();
		for (int i = 0; i < workerThreads; i++) {
			this.workers.execute(() -> work(service));
		}
	}

	private void work(EchoService service) {
		String take = "DELETE FROM " + this.table + " WHERE id = (SELECT id FROM " + this.table
				+ " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING job_id, payload, reply";
		while (this.open) {
			try {
				var job = this.jdbc.sql(take).query((row, i) -> new String[] { row.getString(1), row.getString(2),
						row.getString(3) }).optional();
				if (job.isEmpty()) {
					synchronized (this.work) {
						this.work.wait(100);
					}
					continue;
				}
				String[] taken = job.get();
				String answer = service.echo(taken[1]);
				this.jdbc.sql("SELECT pg_notify(?, ?)").params(taken[2], taken[0] + "\n" + answer).query((row, i) -> 1)
					.list();
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				if (this.open) {
					ex.printStackTrace();
				}
			}
		}
	}

	UnaryOperator<String> call() {
		String insert = "WITH job AS (INSERT INTO " + this.table + " (job_id, payload, reply) VALUES (?, ?, ?)"
				+ " RETURNING id) SELECT pg_notify(?, '') FROM job";
		return (payload) -> this.answers.call((id) -> this.jdbc.sql(insert)
			.params(id, payload, this.answers.channel(), this.table)
			.query((row, i) -> 1)
			.list());
	}

	@Override
	public void close() throws InterruptedException {
		this.open = false;
		this.workers.shutdownNow();
		this.workers.awaitTermination(5, TimeUnit.SECONDS);
		this.jdbc.sql("DROP TABLE IF EXISTS " + this.table).update();
		this.answers.close();
		this.pool.close();
	}

}
