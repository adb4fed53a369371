package io.execution.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis for tests, never skipped: a Testcontainers container where a Docker engine
 * answers; else a {@code redis-server} from the PATH; else the Redis 6.2 binary shipped inside
 * the {@code embedded-redis} artifact. {@link #startProcess()} always starts a process of the
 * tests' own, which fault tests kill and restart.
 */
public final class TestRedis implements AutoCloseable {

	private static TestRedis shared;

	private final String host;

	private final int port;

	private final GenericContainer<?> container;

	private final List<String> arguments;

	private Process current;

	private TestRedis(String host, int port, Process process, GenericContainer<?> container, List<String> arguments) {
		this.host = host;
		this.port = port;
		this.current = process;
		this.container = container;
		this.arguments = arguments;
	}

	/**
	 * The Redis shared by the tests of this JVM, started on first use and stopped at exit.
	 * @return the Redis
	 */
	public static synchronized TestRedis shared() {
		if (shared == null) {
			shared = dockerAvailable() ? container() : startProcess();
			TestRedis started = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(started::close));
		}
		return shared;
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	@SuppressWarnings("resource")
	private static TestRedis container() {
		GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
		redis.start();
		return new TestRedis(redis.getHost(), redis.getMappedPort(6379), null, redis, List.of());
	}

	/**
	 * Starts a Redis process of the tests' own on a free port.
	 * @param extra extra server arguments, such as {@code --appendonly yes}
	 * @return the running Redis
	 */
	public static TestRedis startProcess(String... extra) {
		return startProcess(freePort(), extra);
	}

	/**
	 * Starts a Redis process of the tests' own on the given port.
	 * @param port the port
	 * @param extra extra server arguments
	 * @return the running Redis
	 */
	static TestRedis startProcess(int port, String... extra) {
		List<String> arguments = new ArrayList<>(List.of(executable(), "--port", String.valueOf(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no"));
		arguments.addAll(List.of(extra));
		try {
			Path dir = Files.createTempDirectory("test-redis");
			arguments.addAll(List.of("--dir", dir.toString()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Process process = launch(arguments, port);
		return new TestRedis("127.0.0.1", port, process, null, arguments);
	}

	static Process launch(List<String> arguments, int port) {
		try {
			Process process = new ProcessBuilder(arguments).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < deadline) {
				try (Socket socket = new Socket("127.0.0.1", port)) {
					return process;
				}
				catch (IOException notYet) {
					Thread.sleep(20);
				}
			}
			process.destroyForcibly();
			throw new IllegalStateException("Redis did not start on port " + port + ": " + arguments);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + arguments, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String executable() {
		if (Boolean.getBoolean("test.redis.embedded")) {
			return embeddedBinary();
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getPath();
			}
		}
		return embeddedBinary();
	}

	private static synchronized String embeddedBinary() {
		String os = System.getProperty("os.name").toLowerCase();
		String arch = System.getProperty("os.arch");
		String name = os.contains("mac") ? (arch.contains("aarch64") ? "redis-server-6.2.6-v5-darwin-arm64"
				: "redis-server-6.2.6-v5-darwin-amd64")
				: (arch.contains("aarch64") ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64");
		try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on the PATH and no " + name + " in embedded-redis");
			}
			Path binary = Files.createTempFile("redis-server", "");
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			binary.toFile().setExecutable(true);
			binary.toFile().deleteOnExit();
			return binary.toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A free port for a Cluster node: its bus listens 10,000 ports higher, so both must be free
	 * and the port at most 55535.
	 * @return the port
	 */
	static int freeClusterPort() {
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		for (int tries = 0; tries < 1000; tries++) {
			int port = random.nextInt(20_000, 55_536);
			try (ServerSocket node = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
					ServerSocket bus = new ServerSocket(port + 10_000, 1, java.net.InetAddress.getLoopbackAddress())) {
				return port;
			}
			catch (IOException taken) {
				// Try another.
			}
		}
		throw new IllegalStateException("No free port pair for a Redis Cluster node");
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/**
	 * Spring properties that point an application at this Redis.
	 * @return the properties
	 */
	public String[] properties() {
		return new String[] { "spring.data.redis.host=" + this.host, "spring.data.redis.port=" + this.port };
	}

	/**
	 * Kills the process at once, as a crash would.
	 */
	public void kill() {
		if (this.current == null) {
			throw new IllegalStateException("Only a Redis process of the tests' own can be killed");
		}
		this.current.destroyForcibly();
		try {
			this.current.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the process again on the same port, with the same data directory.
	 */
	public void restart() {
		this.current = launch(this.arguments, this.port);
	}

	@Override
	public void close() {
		if (this.current != null) {
			this.current.destroyForcibly();
		}
		if (this.container != null) {
			this.container.stop();
		}
	}

}
