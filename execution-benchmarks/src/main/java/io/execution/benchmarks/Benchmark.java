package io.execution.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The load and latency harness. One run: warm-up (not counted), then {@code --seconds} of
 * closed-loop load from {@code --callers} threads, each call sending {@code --payload} bytes and
 * getting them back; latencies go into an HdrHistogram. Progress goes to stderr; stdout gets
 * exactly one JSON line per run (lists such as {@code --callers 1,16 --payload 100,1024} run each
 * combination on one set-up in this JVM, a line each):
 * <pre>
 * {"peer":"execution-memory-queue","callers":16,"workers":8,"payload":1024,"calls":N,
 *  "throughput_per_s":X,"p50_us":Y,"p99_us":Z,"errors":E,"jvm_cpu_us_per_call":C,
 *  "jvm_switches_per_call":S,"warmup_s":W,"jit_ms":J}
 * </pre>
 * With {@code --jit-settle N} a warm-up goes on, up to N seconds beyond its own, until the JIT
 * compiler has settled ({@link JitSettle}); {@code jit_ms} is the compiling done while the row
 * was measured, so a row the compiler shared the CPU with shows it.
 * Modes: {@code direct} (the service as a plain method: the floor), {@code executor} (a plain
 * {@code ThreadPoolExecutor} of {@code --workers} threads and a {@code CompletableFuture} a call:
 * the floor of any queue in one JVM, two thread hand-offs and nothing else), {@code local},
 * {@code memory-queue} (one in-process pool of {@code --workers} threads), {@code http} and
 * {@code redis-queue} ({@code --workers} worker application contexts in this JVM, 8 threads
 * each; http workers serve on random local ports, redis workers share {@code --redis-port}), and
 * the peers {@code spring-http-interface} (a plain controller and {@code @HttpExchange} client, one
 * server context in this JVM, as http mode with {@code --workers 1}; {@code -Dbench.http-client}
 * picks the client), {@code grpc} (gRPC-java unary over Netty), {@code redis-streams} (a plain
 * Redis Streams work queue with Lettuce) and {@code redisson-remote} (Redisson's
 * {@code RRemoteService} on {@code --redis-port} with {@code --workers} × 8 executors).
 */
public final class Benchmark {

	/** What a run set up outside Spring contexts (the Redisson peer), closed after it. */
	private static final List<AutoCloseable> closeables = new ArrayList<>();

	private Benchmark() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream stdout = System.out;
		// Everything but the result lines (Spring's logs included) goes to stderr.
		System.setOut(System.err);
		runAll(Options.parse(args), (line) -> {
			stdout.println(line);
			stdout.flush();
		});
		System.exit(0);
	}

	/**
	 * Runs one benchmark: the first of the options' rows.
	 * @param options the options
	 * @return the JSON result line
	 * @throws Exception when the set-up fails
	 */
	public static String run(Options options) throws Exception {
		List<String> lines = new ArrayList<>();
		runAll(options.row(options.callers(), options.payload(), options.warmup()), lines::add);
		return lines.get(0);
	}

	/**
	 * Runs every row of the options (each number of callers with each payload) on one set-up in
	 * one JVM: the first row after {@code --warmup} seconds, which lets the JIT compiler settle,
	 * the others after {@code --row-warmup} seconds of their own load. One JSON line per row.
	 * @param options the options
	 * @param lines receives each row's line as soon as it is measured
	 * @throws Exception when the set-up fails
	 */
	public static void runAll(Options options, java.util.function.Consumer<String> lines) throws Exception {
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		try {
			UnaryOperator<String> call = setUp(options, contexts);
			boolean first = true;
			for (int callers : options.callerCounts()) {
				for (int payload : options.payloads()) {
					Options row = options.row(callers, payload, first ? options.warmup() : options.rowWarmup());
					first = false;
					String json = load(call, "x".repeat(payload), row).json(row);
					if (options.mode().equals("redis-queue") || options.mode().equals("redisson-remote")
							|| options.mode().equals("redis-streams")) {
						// Redis' own round trip, measured in the same run, to read the result against.
						json = json.substring(0, json.length() - 1) + ",\"redis_ping_p50_us\":" + pingP50(options) + "}";
					}
					lines.accept(json);
				}
			}
		}
		finally {
			for (int i = contexts.size() - 1; i >= 0; i--) {
				contexts.get(i).close();
			}
			for (AutoCloseable closeable : closeables) {
				closeable.close();
			}
			closeables.clear();
		}
	}

	private static UnaryOperator<String> setUp(Options options, List<ConfigurableApplicationContext> contexts) {
		String[] quiet = { "spring.main.banner-mode=off", "logging.level.root=warn",
				"spring.main.log-startup-info=false" };
		switch (options.mode()) {
			case "direct" -> {
				EchoService service = new EchoService();
				return service::echo;
			}
			case "executor" -> {
				// The floor of any queue in one JVM: two thread hand-offs a call and nothing else.
				java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
					.newFixedThreadPool(options.workers());
				closeables.add(pool::shutdownNow);
				EchoService service = new EchoService();
				return (payload) -> java.util.concurrent.CompletableFuture.supplyAsync(() -> service.echo(payload), pool)
					.join();
			}
			case "local" -> {
				ConfigurableApplicationContext caller = start(contexts, WebApplicationType.NONE, quiet);
				return caller.getBean(Echo.class)::echo;
			}
			case "memory-queue" -> {
				ConfigurableApplicationContext caller = start(contexts, WebApplicationType.NONE, quiet,
						"execution.endpoints.echo.queue=echo", "execution.worker.enabled=true",
						"execution.worker.queues=echo", "execution.worker.concurrency=" + options.workers(),
						"execution.queue.capacity=1000000");
				return caller.getBean(Echo.class)::echo;
			}
			case "http" -> {
				List<String> urls = new ArrayList<>();
				for (int i = 0; i < options.workers(); i++) {
					ConfigurableApplicationContext worker = start(contexts, WebApplicationType.SERVLET, quiet,
							"server.port=0", "execution.http.server.enabled=true");
					urls.add("http://localhost:" + worker.getEnvironment().getProperty("local.server.port"));
				}
				ConfigurableApplicationContext caller = start(contexts, WebApplicationType.NONE, quiet,
						"execution.endpoints.echo.urls=" + String.join(",", urls),
						"execution.http.payload-limit=16MB");
				return caller.getBean(Echo.class)::echo;
			}
			case "spring-http-interface" -> {
				ConfigurableApplicationContext server = new SpringApplicationBuilder(BenchmarkApplication.class,
						HttpInterfacePeer.Server.class)
					.web(WebApplicationType.SERVLET)
					.run("--server.port=0", "--spring.main.banner-mode=off", "--logging.level.root=warn", NO_DATA_SOURCE);
				contexts.add(server);
				HttpInterfacePeer.EchoHttp client = HttpInterfacePeer
					.client("http://localhost:" + server.getEnvironment().getProperty("local.server.port"));
				return client::echo;
			}
			case "redis-queue" -> {
				String prefix = "bench" + Long.toHexString(System.nanoTime());
				String[] redis = { "spring.data.redis.port=" + options.redisPort(), "execution.queue.backend=redis",
						"execution.queue.redis.prefix=" + prefix, "execution.endpoints.echo.queue=echo",
						"execution.queue.capacity=1000000" };
				for (int i = 0; i < options.workers(); i++) {
					start(contexts, WebApplicationType.NONE, quiet, redis, "execution.worker.enabled=true",
							"execution.worker.queues=echo", "execution.worker.concurrency=8");
				}
				ConfigurableApplicationContext caller = start(contexts, WebApplicationType.NONE, quiet, redis);
				return caller.getBean(Echo.class)::echo;
			}
			case "jdbc-queue" -> {
				String[] jdbc = { "spring.datasource.url=" + JdbcSkipLockedPeer.url(), "spring.datasource.username=postgres",
						"execution.queue.backend=jdbc", "execution.jdbc.table-prefix=b" + Long.toHexString(System.nanoTime()) + "_",
						"execution.endpoints.echo.queue=echo" };
				for (int i = 0; i < options.workers(); i++) {
					start(contexts, WebApplicationType.NONE, quiet, jdbc, "execution.worker.enabled=true",
							"execution.worker.queues=echo", "execution.worker.concurrency=8");
				}
				ConfigurableApplicationContext caller = start(contexts, WebApplicationType.NONE, quiet, jdbc,
						"spring.datasource.hikari.maximum-pool-size=" + Math.max(10, options.callers()));
				return caller.getBean(Echo.class)::echo;
			}
			case "jdbc-skip-locked" -> {
				try {
					JdbcSkipLockedPeer peer = new JdbcSkipLockedPeer(options.workers() * 8);
					closeables.add(peer);
					return peer.call();
				}
				catch (Exception ex) {
					throw new IllegalStateException("The jdbc-skip-locked peer could not start on " + JdbcSkipLockedPeer.url()
							+ " (-Dbench.jdbc-url): " + ex, ex);
				}
			}
			case "db-scheduler" -> {
				try {
					DbSchedulerPeer peer = new DbSchedulerPeer(options.workers());
					closeables.add(peer);
					return peer.call();
				}
				catch (Exception ex) {
					throw new IllegalStateException("The db-scheduler peer could not start on " + JdbcSkipLockedPeer.url()
							+ " (-Dbench.jdbc-url): " + ex, ex);
				}
			}
			case "grpc" -> {
				GrpcPeer peer;
				try {
					peer = new GrpcPeer();
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
				closeables.add(peer);
				return peer.call();
			}
			case "redis-streams" -> {
				RedisStreamsPeer peer = new RedisStreamsPeer(options.redisPort(), options.workers() * 8);
				closeables.add(peer);
				return peer.call();
			}
			case "redisson-remote" -> {
				RedissonPeer peer = new RedissonPeer(options.redisPort(), options.workers() * 8);
				closeables.add(peer);
				return peer.call();
			}
			default -> throw new IllegalArgumentException("--mode must be direct, executor, local, memory-queue, http, redis-queue,"
					+ " jdbc-queue, spring-http-interface, grpc, redis-streams, redisson-remote, jdbc-skip-locked or db-scheduler, not "
					+ options.mode());
		}
	}

	/** Whether the row runs on PostgreSQL (its CPU is the server's, read from /proc). */
	private static boolean onPostgres(Options options) {
		return options.mode().startsWith("jdbc") || options.mode().equals("db-scheduler");
	}

	private static long pingP50(Options options) {
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient
			.create("redis://127.0.0.1:" + options.redisPort());
		try (var connection = client.connect()) {
			var redis = connection.sync();
			Histogram pings = new Histogram(3);
			for (int i = 0; i < 2000; i++) {
				long start = System.nanoTime();
				redis.ping();
				if (i >= 200) {
					pings.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
				}
			}
			return pings.getValueAtPercentile(50);
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Spring JDBC is on the harness' class path for the jdbc rows: the others run without a
	 * DataSource, as an application without {@code spring.datasource.url} would be set up.
	 */
	public static final String NO_DATA_SOURCE = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private static ConfigurableApplicationContext start(List<ConfigurableApplicationContext> contexts,
			WebApplicationType type, String[] base, String... properties) {
		return start(contexts, type, base, new String[0], properties);
	}

	private static ConfigurableApplicationContext start(List<ConfigurableApplicationContext> contexts,
			WebApplicationType type, String[] base, String[] more, String... properties) {
		List<String> args = new ArrayList<>();
		for (String[] group : List.of(base, more, properties)) {
			for (String property : group) {
				args.add("--" + property);
			}
		}
		if (args.stream().noneMatch((arg) -> arg.startsWith("--spring.datasource.url="))) {
			args.add(NO_DATA_SOURCE);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(type)
			.run(args.toArray(String[]::new));
		contexts.add(context);
		return context;
	}

	private static Result load(UnaryOperator<String> call, String payload, Options options)
			throws InterruptedException {
		Recorder recorder = new Recorder(3);
		AtomicLong errors = new AtomicLong();
		AtomicLong calls = new AtomicLong();
		// Set when the warm-up ends: a call is counted when it starts in [measureFrom, endAt).
		AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
		AtomicLong endAt = new AtomicLong(Long.MAX_VALUE);
		CountDownLatch done = new CountDownLatch(options.callers());
		// The callers stay alive until the row's end was read: a thread's context switches go with it.
		CountDownLatch measured = new CountDownLatch(1);
		for (int t = 0; t < options.callers(); t++) {
			Thread caller = new Thread(() -> {
				try {
					long now;
					while ((now = System.nanoTime()) < endAt.get()) {
						boolean counted = now >= measureFrom.get();
						try {
							String answer = call.apply(payload);
							long took = System.nanoTime() - now;
							if (answer == null || answer.length() != payload.length()) {
								if (counted) {
									errors.incrementAndGet();
								}
							}
							else if (counted) {
								recorder.recordValue(Math.max(1, took / 1000));
								calls.incrementAndGet();
							}
						}
						catch (RuntimeException ex) {
							if (counted) {
								errors.incrementAndGet();
							}
						}
					}
				}
				finally {
					try {
						measured.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					done.countDown();
				}
			}, "bench-caller-" + t);
			caller.setDaemon(true);
			caller.start();
		}
		long started = System.nanoTime();
		long warmupAtLeast = started + TimeUnit.SECONDS.toNanos(options.warmup());
		// --jit-settle N: the warm-up goes on, up to N seconds more, until the JIT compiler settles.
		long warmupAtMost = warmupAtLeast + TimeUnit.SECONDS.toNanos(options.jitSettle());
		JitSettle jit = new JitSettle();
		long measuringSince = -1;
		long cpuAtStart = -1;
		long cpuAtEnd = -1;
		long jitAtStart = -1;
		long jitAtEnd = -1;
		Map<String, Long> switchesAtStart = null;
		Map<String, Long> switchesAtEnd = null;
		// The server's CPU too: Redis' for the Redis rows, PostgreSQL's for the jdbc ones.
		boolean redis = options.mode().startsWith("redis") || onPostgres(options);
		long redisCpuAtStart = -1;
		long redisCpuAtEnd = -1;
		while (!done.await(100, TimeUnit.MILLISECONDS)) {
			long now = System.nanoTime();
			if (measuringSince < 0) {
				long compiled = JitSettle.compileMillis();
				jit.sample(now, compiled);
				if (now >= warmupAtLeast && (now >= warmupAtMost || jit.settled())) {
					measuringSince = now;
					jitAtStart = compiled;
					cpuAtStart = processCpuNanos();
					switchesAtStart = contextSwitches();
					redisCpuAtStart = redis ? serverCpuNanos(options) : -1;
					recorder.reset();
					endAt.set(now + TimeUnit.SECONDS.toNanos(options.seconds()));
					measureFrom.set(now);
				}
			}
			else if (cpuAtEnd < 0 && now >= endAt.get()) {
				cpuAtEnd = processCpuNanos();
				switchesAtEnd = contextSwitches();
				jitAtEnd = JitSettle.compileMillis();
				redisCpuAtEnd = redis ? serverCpuNanos(options) : -1;
				measured.countDown();
			}
			if ((now / 100_000_000L) % 10 == 0) {
				System.err.printf(Locale.ROOT, "%s: %s, %d calls%n", options.mode(),
						(measuringSince < 0) ? "warming up" : "measuring", calls.get());
			}
		}
		measured.countDown();
		if (cpuAtEnd < 0) {
			cpuAtEnd = processCpuNanos();
			switchesAtEnd = contextSwitches();
			jitAtEnd = JitSettle.compileMillis();
			redisCpuAtEnd = redis ? serverCpuNanos(options) : -1;
		}
		// This JVM's CPU per measured call (caller, and workers when they run here; never Redis'):
		// steadier across runs than calls/s on a shared 2-core machine.
		long cpuPerCall = (cpuAtStart >= 0 && calls.get() > 0) ? (cpuAtEnd - cpuAtStart) / calls.get() : -1;
		// Redis' own CPU per call (the server's user and system time, as INFO reports it): what the
		// queue costs the machine beyond this JVM.
		long redisCpuPerCall = (redisCpuAtStart >= 0 && redisCpuAtEnd >= 0 && calls.get() > 0)
				? (redisCpuAtEnd - redisCpuAtStart) / calls.get() : -1;
		// How often this JVM's threads went off the CPU per call: on a virtual machine each costs
		// microseconds of CPU (see the executor mode), so this is what much of the CPU per call is.
		long switches = contextSwitchesBetween(switchesAtStart, switchesAtEnd);
		double switchesPerCall = (switches >= 0 && calls.get() > 0) ? (double) switches / calls.get() : -1;
		Histogram histogram = recorder.getIntervalHistogram();
		return new Result(calls.get(), errors.get(), histogram.getValueAtPercentile(50),
				histogram.getValueAtPercentile(99), options.seconds(), cpuPerCall, redisCpuPerCall, switchesPerCall,
				(measuringSince >= 0) ? (measuringSince - started) / 1_000_000L : -1,
				(jitAtStart >= 0 && jitAtEnd >= 0) ? jitAtEnd - jitAtStart : -1);
	}

	private static long serverCpuNanos(Options options) {
		return onPostgres(options) ? JdbcSkipLockedPeer.postgresCpuNanos() : redisCpuNanos(options.redisPort());
	}

	/** The CPU time the Redis server has used (user and system), from {@code INFO cpu}; -1 when unknown. */
	private static long redisCpuNanos(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			socket.setSoTimeout(2000);
			socket.getOutputStream().write("INFO cpu\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			java.io.BufferedReader in = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
			String header = in.readLine();
			if (header == null || !header.startsWith("$")) {
				return -1;
			}
			long total = 0;
			int found = 0;
			String line;
			while (found < 2 && (line = in.readLine()) != null) {
				if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
					total += new java.math.BigDecimal(line.substring(line.indexOf(':') + 1).trim()).movePointRight(9)
						.longValue();
					found++;
				}
			}
			return (found == 2) ? total : -1;
		}
		catch (java.io.IOException | NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * The context switches of this JVM's live threads so far (voluntary and not), by thread id,
	 * from {@code /proc/self/task}; {@code null} off Linux.
	 */
	static Map<String, Long> contextSwitches() {
		java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
		if (!java.nio.file.Files.isDirectory(tasks)) {
			return null;
		}
		Map<String, Long> switches = new java.util.HashMap<>();
		try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
			for (java.nio.file.Path thread : (Iterable<java.nio.file.Path>) threads::iterator) {
				try {
					long total = 0;
					for (String line : java.nio.file.Files.readAllLines(thread.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
					switches.put(thread.getFileName().toString(), total);
				}
				catch (java.io.IOException | NumberFormatException ex) {
					// The thread ended while being read.
				}
			}
		}
		catch (java.io.IOException | java.io.UncheckedIOException ex) {
			return null;
		}
		return switches;
	}

	/**
	 * The context switches between two readings: of the threads alive at the second, what they did
	 * since the first (or since they started). A thread that ended in between (the JVM stops idle
	 * compiler threads) is not counted; the callers, workers and I/O threads all live through a row.
	 * @return the count, -1 when unknown
	 */
	static long contextSwitchesBetween(Map<String, Long> first, Map<String, Long> second) {
		if (first == null || second == null) {
			return -1;
		}
		long total = 0;
		for (Map.Entry<String, Long> thread : second.entrySet()) {
			total += Math.max(0, thread.getValue() - first.getOrDefault(thread.getKey(), 0L));
		}
		return total;
	}

	private static long processCpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : -1;
	}

	/**
	 * One row's figures.
	 * @param switchesPerCall this JVM's context switches per call (-1 when unknown)
	 * @param warmupMillis how long the warm-up took (-1 when the callers stopped before it ended)
	 * @param jitMillis the time the JIT compilers spent compiling while the row was measured
	 */
	private record Result(long calls, long errors, long p50, long p99, int seconds, long cpuPerCallNanos,
			long redisCpuPerCallNanos, double switchesPerCall, long warmupMillis, long jitMillis) {

		String json(Options options) {
			Map<String, Object> fields = new LinkedHashMap<>();
			boolean peer = java.util.Set.of("direct", "executor", "spring-http-interface", "redisson-remote", "grpc", "redis-streams",
					"jdbc-skip-locked", "db-scheduler")
				.contains(options.mode());
			fields.put("peer", peer ? options.mode() : "execution-" + options.mode());
			fields.put("callers", options.callers());
			fields.put("workers", options.workers());
			fields.put("payload", options.payload());
			fields.put("calls", this.calls);
			// Plain decimal notation, never 1.5E7.
			fields.put("throughput_per_s", java.math.BigDecimal.valueOf(this.calls * 10L / this.seconds, 1));
			fields.put("p50_us", this.p50);
			fields.put("p99_us", this.p99);
			fields.put("errors", this.errors);
			fields.put("jvm_cpu_us_per_call", (this.cpuPerCallNanos < 0) ? -1
					: java.math.BigDecimal.valueOf(this.cpuPerCallNanos).movePointLeft(3).setScale(2,
							java.math.RoundingMode.HALF_UP));
			if (this.redisCpuPerCallNanos >= 0) {
				fields.put(onPostgres(options) ? "postgres_cpu_us_per_call" : "redis_cpu_us_per_call",
						java.math.BigDecimal.valueOf(this.redisCpuPerCallNanos)
					.movePointLeft(3)
					.setScale(2, java.math.RoundingMode.HALF_UP));
			}
			if (this.switchesPerCall >= 0) {
				fields.put("jvm_switches_per_call",
						java.math.BigDecimal.valueOf(this.switchesPerCall).setScale(2, java.math.RoundingMode.HALF_UP));
			}
			// How settled the row was: a JIT compiler busy while it was measured shows here.
			fields.put("warmup_s",
					(this.warmupMillis < 0) ? -1 : java.math.BigDecimal.valueOf(this.warmupMillis / 100, 1));
			fields.put("jit_ms", this.jitMillis);
			StringBuilder json = new StringBuilder("{");
			fields.forEach((key, value) -> json.append(json.length() > 1 ? "," : "")
				.append('"')
				.append(key)
				.append("\":")
				.append((value instanceof String text) ? "\"" + text + "\"" : value));
			return json.append('}').toString();
		}

	}

	/**
	 * The options of a run.
	 *
	 * @param mode the mode or peer
	 * @param callers closed-loop caller threads (of this row)
	 * @param seconds measured seconds per row
	 * @param warmup warm-up seconds before the first row, not measured
	 * @param payload bytes each way (of this row)
	 * @param workers worker threads (memory-queue) or worker contexts (http, redis-queue)
	 * @param redisPort the Redis port (redis-queue)
	 * @param callerCounts the numbers of callers to run rows for ({@code --callers 1,16,64})
	 * @param payloads the payloads to run rows for ({@code --payload 100,1024})
	 * @param rowWarmup warm-up seconds before each further row
	 * @param jitSettle seconds a row's warm-up may go on beyond its own until the JIT compiler
	 * settles ({@code --jit-settle}, 0 for a fixed warm-up; see {@link JitSettle})
	 */
	public record Options(String mode, int callers, int seconds, int warmup, int payload, int workers,
			int redisPort, List<Integer> callerCounts, List<Integer> payloads, int rowWarmup, int jitSettle) {

		/**
		 * Reads {@code --name value} arguments; {@code --callers} and {@code --payload} take
		 * comma-separated lists, one row each.
		 * @param args the arguments
		 * @return the options
		 */
		public static Options parse(String... args) {
			Map<String, String> values = new LinkedHashMap<>();
			for (int i = 0; i + 1 < args.length; i += 2) {
				if (!args[i].startsWith("--")) {
					throw new IllegalArgumentException("Expected --name value pairs, got " + args[i]);
				}
				values.put(args[i].substring(2), args[i + 1]);
			}
			int seconds = Integer.parseInt(values.getOrDefault("seconds", "10"));
			String mode = values.getOrDefault("mode", "local");
			List<Integer> callers = numbers(values.getOrDefault("callers", "16"));
			List<Integer> payloads = numbers(values.getOrDefault("payload", "1024"));
			return new Options(mode, callers.get(0), seconds,
					Integer.parseInt(values.getOrDefault("warmup", String.valueOf(Math.max(1, Math.min(5, seconds))))),
					payloads.get(0),
					Integer.parseInt(values.getOrDefault("workers",
						(mode.equals("memory-queue") || mode.equals("executor")) ? "8"
								: (mode.equals("http") || mode.equals("spring-http-interface")) ? "1" : "2")),
					Integer.parseInt(values.getOrDefault("redis-port", "6379")), callers, payloads,
					Integer.parseInt(values.getOrDefault("row-warmup", "2")),
					Integer.parseInt(values.getOrDefault("jit-settle", "0")));
		}

		private static List<Integer> numbers(String list) {
			return java.util.Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
		}

		/**
		 * The options of one row.
		 * @param callers its callers
		 * @param payload its payload
		 * @param warmup its warm-up seconds
		 * @return the row's options
		 */
		public Options row(int callers, int payload, int warmup) {
			return new Options(this.mode, callers, this.seconds, warmup, payload, this.workers, this.redisPort,
					List.of(callers), List.of(payload), this.rowWarmup, this.jitSettle);
		}

	}

}
