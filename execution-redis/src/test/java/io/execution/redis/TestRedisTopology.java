package io.execution.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import static org.awaitility.Awaitility.await;

/**
 * Redis topologies of the tests' own, started from {@code redis-server} like {@link TestRedis}:
 * a Cluster of three masters, or a master watched by a Sentinel. Each is a set of processes on
 * free ports that the test closes.
 */
public final class TestRedisTopology implements AutoCloseable {

	private final List<TestRedis> nodes;

	private final List<Process> sentinels;

	private final String[] properties;

	private TestRedisTopology(List<TestRedis> nodes, List<Process> sentinels, String... properties) {
		this.nodes = nodes;
		this.sentinels = sentinels;
		this.properties = properties;
	}

	/**
	 * Starts a Cluster of three masters, slots split evenly, and waits until it is ready.
	 * @return the cluster
	 */
	public static TestRedisTopology cluster() {
		List<TestRedis> nodes = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			nodes.add(TestRedis.startProcess(TestRedis.freeClusterPort(), "--cluster-enabled", "yes",
					"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
		}
		List<RedisClient> clients = new ArrayList<>();
		try {
			List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
			for (TestRedis node : nodes) {
				RedisClient client = RedisClient.create("redis://127.0.0.1:" + node.port());
				clients.add(client);
				connections.add(client.connect());
			}
			int[] bounds = { 0, 5461, 10923, 16384 };
			for (int i = 0; i < 3; i++) {
				connections.get(i).sync().clusterAddSlots(IntStream.range(bounds[i], bounds[i + 1]).toArray());
			}
			for (int i = 1; i < 3; i++) {
				connections.get(0).sync().clusterMeet("127.0.0.1", nodes.get(i).port());
			}
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> connections.stream().allMatch((connection) -> ready(connection.sync().clusterInfo())));
		}
		finally {
			clients.forEach(RedisClient::shutdown);
		}
		String seeds = String.join(",", nodes.stream().map((node) -> "127.0.0.1:" + node.port()).toList());
		return new TestRedisTopology(nodes, List.of(), "spring.data.redis.cluster.nodes=" + seeds);
	}

	private static boolean ready(String info) {
		return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
	}

	/**
	 * Starts a master and one Sentinel that monitors it as {@code mymaster}.
	 * @return the topology
	 */
	public static TestRedisTopology sentinel() {
		TestRedis master = TestRedis.startProcess();
		int port = TestRedis.freePort();
		try {
			Path dir = Files.createTempDirectory("test-sentinel");
			Path config = dir.resolve("sentinel.conf");
			Files.writeString(config, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\nsentinel monitor mymaster 127.0.0.1 "
					+ master.port() + " 1\nsentinel down-after-milliseconds mymaster 2000\n");
			Process sentinel = TestRedis.launch(List.of(TestRedis.executable(), config.toString(), "--sentinel"), port);
			return new TestRedisTopology(List.of(master), List.of(sentinel), "spring.data.redis.sentinel.master=mymaster",
					"spring.data.redis.sentinel.nodes=127.0.0.1:" + port);
		}
		catch (IOException ex) {
			master.close();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The Redis nodes: the three masters, or the Sentinel's master.
	 * @return the nodes
	 */
	public List<TestRedis> nodes() {
		return this.nodes;
	}

	/**
	 * Spring properties that point an application at this topology.
	 * @return the properties
	 */
	public String[] properties() {
		return this.properties.clone();
	}

	@Override
	public void close() {
		this.sentinels.forEach(Process::destroyForcibly);
		this.nodes.forEach(TestRedis::close);
	}

}
