package io.execution.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The answers of the PostgreSQL peers, as their users would carry them: a worker sends {@code
 * <job id>\n<answer>} in a {@code NOTIFY} on the caller's channel, and the caller's one
 * listening connection completes the job's future. It may also listen on a channel of work
 * notifications, handed to a runnable.
 */
final class PgAnswers implements AutoCloseable {

	private final String channel = "bench_reply_" + UUID.randomUUID().toString().replace("-", "");

	private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

	private final Thread listener;

	private volatile boolean open = true;

	/**
	 * Starts listening.
	 * @param workChannel a channel of work notifications, or {@code null}
	 * @param onWork what a work notification runs
	 */
	PgAnswers(String workChannel, Runnable onWork) throws Exception {
		Connection listening = DriverManager.getConnection(JdbcSkipLockedPeer.url(), "postgres", "");
		try (Statement statement = listening.createStatement()) {
			statement.execute("LISTEN " + this.channel);
			if (workChannel != null) {
				statement.execute("LISTEN " + workChannel);
			}
		}
		this.listener = new Thread(() -> listen(listening, workChannel, onWork), "bench-pg-listener");
		this.listener.setDaemon(true);
		this.listener.start();
	}

	/** The channel workers answer on. */
	String channel() {
		return this.channel;
	}

	/**
	 * Sends a job and waits for its answer.
	 * @param send sends the job, given its id
	 * @return the answer
	 */
	String call(java.util.function.Consumer<String> send) {
		String id = UUID.randomUUID().toString();
		CompletableFuture<String> answer = new CompletableFuture<>();
		this.waiting.put(id, answer);
		try {
			send.accept(id);
			return answer.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			this.waiting.remove(id);
			throw new IllegalStateException(ex);
		}
	}

	private void listen(Connection connection, String workChannel, Runnable onWork) {
		try (connection) {
			PGConnection notifications = connection.unwrap(PGConnection.class);
			while (this.open) {
				PGNotification[] received = notifications.getNotifications(500);
				if (received == null) {
					continue;
				}
				for (PGNotification notification : received) {
					if (notification.getName().equals(workChannel)) {
						onWork.run();
						continue;
					}
					String body = notification.getParameter();
					int cut = body.indexOf('\n');
					CompletableFuture<String> caller = this.waiting.remove(body.substring(0, cut));
					if (caller != null) {
						caller.complete(body.substring(cut + 1));
					}
				}
			}
		}
		catch (Exception ex) {
			if (this.open) {
				ex.printStackTrace();
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.open = false;
		this.listener.join(2000);
	}

}
