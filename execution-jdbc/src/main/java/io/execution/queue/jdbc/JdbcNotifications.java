package io.execution.queue.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's {@code LISTEN/NOTIFY} on one connection of its own, for the whole backend: a
 * call enqueued wakes the workers of its queue, an answer its caller. One thread waits on the
 * connection; when it is lost it opens another after the poll interval, the backend's polls
 * covering the gap. Without the PostgreSQL driver the backend polls only.
 */
final class JdbcNotifications implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JdbcNotifications.class);

	private final Callable<Connection> connections;

	private final long retryMillis;

	private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();

	private final Thread thread;

	private volatile boolean open = true;

	/** Whether notifications are being received now (a connection is listening). */
	private volatile boolean listening;

	JdbcNotifications(Callable<Connection> connections, JdbcQueueSettings settings) {
		this.connections = connections;
		this.retryMillis = settings.pollInterval().toMillis();
		this.thread = settings.threads().newThread(this::run);
		this.thread.setName("execution-jdbc-listen");
	}

	/**
	 * Listens on a channel once started (the connection is used by its thread alone).
	 * @param channel the channel
	 * @param handler what to do with each notification's payload (on the listening thread: it must
	 * not block)
	 */
	void listen(String channel, Consumer<String> handler) {
		if (this.thread.isAlive()) {
			throw new IllegalStateException("Channels are listened to from the start");
		}
		this.channels.put(channel, handler);
	}

	void start() {
		this.thread.start();
	}

	boolean listening() {
		return this.listening;
	}

	private void run() {
		while (this.open) {
			try (Connection opened = this.connections.call()) {
				PGConnection pg = opened.unwrap(PGConnection.class);
				try (Statement statement = opened.createStatement()) {
					for (String channel : this.channels.keySet()) {
						statement.execute("LISTEN " + channel);
					}
				}
				this.listening = true;
				while (this.open) {
					PGNotification[] notifications = pg.getNotifications(500);
					if (notifications == null) {
						continue;
					}
					for (PGNotification notification : notifications) {
						Consumer<String> handler = this.channels.get(notification.getName());
						if (handler != null) {
							handler.accept(notification.getParameter());
						}
					}
				}
			}
			catch (SQLException ex) {
				if (this.open) {
					logger.warn("Listening for notifications failed ({}); polling every {} ms until it is back",
							ex.toString(), this.retryMillis);
				}
			}
			catch (Exception ex) {
				if (this.open) {
					logger.warn("Cannot listen for notifications ({}); polling every {} ms", ex.toString(),
							this.retryMillis);
				}
			}
			finally {
				this.listening = false;
			}
			sleepBeforeRetry();
		}
	}

	private void sleepBeforeRetry() {
		try {
			Thread.sleep(this.retryMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.open = false;
		}
	}

	@Override
	public void close() {
		this.open = false;
		this.thread.interrupt();
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
