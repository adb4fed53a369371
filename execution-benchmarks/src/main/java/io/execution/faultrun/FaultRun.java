package io.execution.faultrun;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.queue.DeadLetter;
import io.execution.queue.DeadLetters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fault run: callers make calls with unique keys through a queue on Redis or PostgreSQL
 * ({@code --backend=redis|jdbc}) to worker JVMs that this driver starts, kills ({@code SIGKILL})
 * and pauses ({@code SIGSTOP}) — on PostgreSQL it also holds the waiting calls' rows in a long
 * transaction — while the script around it restarts the server; then it counts what happened to
 * every call. Run by
 * {@code execution-benchmarks/fault-run.sh}; prints one JSON line:
 * {@code {"calls":…,"answered":…,"failed":{"<type>":n},"lost":…,"ranTwice":…,"deadLettersAnswered":…}}.
 * <p>
 * Arguments: {@code --role=driver|worker}, {@code --seconds=S}, {@code --callers=C},
 * {@code --workers=W}, and Spring's own ({@code --spring.data.redis.*}), passed on to the workers.
 */
public final class FaultRun {

	static final String RAN = "fault:ran:";

	private static final String PREFIX = "fault";

	private FaultRun() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new TreeMap<>();
		List<String> spring = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--spring.") || arg.startsWith("--execution.")) {
				spring.add(arg);
			}
			else if (arg.startsWith("--") && arg.contains("=")) {
				options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
		}
		if ("worker".equals(options.get("role"))) {
			// The driver passes its Spring and Execution arguments on.
			application(spring, true).registerShutdownHook();
			return;
		}
		spring.add("--execution.queue.backend=" + options.getOrDefault("backend", "redis"));
		spring.add("--execution.queue.redis.visibility-timeout=" + options.getOrDefault("visibility", "3s"));
		spring.add("--execution.jdbc.visibility-timeout=" + options.getOrDefault("visibility", "3s"));
		PrintStream stdout = System.out;
		System.setOut(System.err);
		String result = drive(Integer.parseInt(options.getOrDefault("seconds", "60")),
				Integer.parseInt(options.getOrDefault("callers", "16")),
				Integer.parseInt(options.getOrDefault("workers", "2")),
				!"0".equals(options.getOrDefault("worker-chaos", "1")), spring);
		stdout.println(result);
		stdout.flush();
		System.exit(0);
	}

	private static ConfigurableApplicationContext application(List<String> spring, boolean worker) {
		List<String> arguments = new ArrayList<>(spring);
		arguments.addAll(List.of("--spring.main.banner-mode=off", "--execution.queue.redis.prefix=" + PREFIX,
				"--execution.endpoints.tally.queue=tally", "--execution.endpoints.tally.timeout=15s",
				"--execution.worker.enabled=" + worker, "--execution.worker.queues=tally",
				"--execution.worker.concurrency=8", "--logging.level.root=WARN"));
		if (arguments.stream().noneMatch((arg) -> arg.startsWith("--spring.datasource.url="))) {
			arguments.add(io.execution.benchmarks.Benchmark.NO_DATA_SOURCE);
		}
		return new SpringApplicationBuilder(FaultApplication.class).web(WebApplicationType.NONE)
			.run(arguments.toArray(String[]::new));
	}

	private static String drive(int seconds, int callers, int workerCount, boolean chaos, List<String> spring)
			throws Exception {
		ConfigurableApplicationContext caller = application(spring, false);
		Runs runs = Runs.of(caller.getEnvironment(), caller.getBeanProvider(StringRedisTemplate.class),
				caller.getBeanProvider(JdbcTemplate.class));
		boolean jdbc = "jdbc".equals(caller.getEnvironment().getProperty("execution.queue.backend"));
		Tally tally = caller.getBean(Tally.class);
		List<Process> workers = new ArrayList<>();
		for (int i = 0; i < workerCount; i++) {
			workers.add(startWorker(spring));
		}
		Thread.sleep(8_000);
		Map<String, String> outcomes = new ConcurrentHashMap<>();
		Map<String, Boolean> idempotent = new ConcurrentHashMap<>();
		AtomicInteger started = new AtomicInteger();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			Thread thread = new Thread(() -> {
				while (System.nanoTime() - end < 0) {
					String key = UUID.randomUUID().toString();
					boolean read = ThreadLocalRandom.current().nextBoolean();
					idempotent.put(key, read);
					outcomes.put(key, "pending");
					started.incrementAndGet();
					try {
						String answer = read ? tally.read(key) : tally.write(key);
						outcomes.put(key, key.equals(answer) ? "answered" : "wrong");
					}
					catch (RuntimeException ex) {
						outcomes.put(key, ex.getClass().getSimpleName());
					}
				}
			}, "fault-caller-" + i);
			threads.add(thread);
			thread.start();
		}
		// Chaos on the workers; the script restarts Redis meanwhile.
		int round = 0;
		while (chaos && System.nanoTime() - end < 0) {
			Thread.sleep(7_000);
			int victim = ThreadLocalRandom.current().nextInt(workers.size());
			Process worker = workers.get(victim);
			if (round++ % 2 == 0) {
				System.err.println("fault-run: SIGKILL worker " + worker.pid());
				worker.destroyForcibly();
				workers.set(victim, startWorker(spring));
			}
			else {
				System.err.println("fault-run: SIGSTOP worker " + worker.pid() + " for 5 s");
				signal("STOP", worker.pid());
				if (jdbc) {
					holdWaitingCalls(caller.getBean(JdbcTemplate.class));
				}
				else {
					Thread.sleep(5_000);
				}
				signal("CONT", worker.pid());
			}
		}
		for (Thread thread : threads) {
			// (without chaos the callers run to the end on their own) A call ends by its deadline (15 s): one that has not ended by then is lost.
			thread.join(Duration.ofSeconds(30).toMillis());
		}
		Thread.sleep(10_000);
		Map<String, Integer> failed = new TreeMap<>();
		int answered = 0;
		int lost = 0;
		int ranTwice = 0;
		for (Map.Entry<String, String> entry : outcomes.entrySet()) {
			String outcome = entry.getValue();
			if (outcome.equals("answered")) {
				answered++;
			}
			else if (outcome.equals("pending")) {
				lost++;
			}
			else {
				failed.merge(outcome, 1, Integer::sum);
			}
			if (!idempotent.get(entry.getKey()) && runs.of(entry.getKey()) > 1) {
				ranTwice++;
			}
		}
		int deadAnswered = 0;
		int dead = 0;
		JsonMapper json = JsonMapper.builder().build();
		for (DeadLetter letter : caller.getBean(DeadLetters.class).list("tally", 0, DeadLetters.MAX_LIMIT)) {
			dead++;
			try {
				JsonNode args = json.readTree(letter.request()).path("args");
				if ("answered".equals(outcomes.get(args.path(0).asString()))) {
					deadAnswered++;
				}
			}
			catch (RuntimeException ex) {
				// Not an envelope: not a call of this run.
			}
		}
		workers.forEach(Process::destroyForcibly);
		caller.close();
		return "{\"calls\":" + started.get() + ",\"answered\":" + answered + ",\"failed\":"
				+ json.writeValueAsString(failed) + ",\"lost\":" + lost + ",\"ranTwice\":" + ranTwice
				+ ",\"deadLetters\":" + dead + ",\"deadLettersAnswered\":" + deadAnswered + "}";
	}

	/**
	 * A long transaction of the application's: it holds the queue's waiting calls' rows (as an
	 * update of them would) for 5 s; workers skip them meanwhile, and no call is lost for it.
	 */
	private static void holdWaitingCalls(JdbcTemplate jdbc) {
		System.err.println("fault-run: a transaction holds the waiting calls' rows for 5 s");
		try {
			jdbc.execute((java.sql.Connection connection) -> {
				connection.setAutoCommit(false);
				try (java.sql.Statement statement = connection.createStatement()) {
					statement.execute("SELECT id FROM execution_call WHERE queue = 'tally' AND worker IS NULL FOR UPDATE");
					statement.execute("SELECT pg_sleep(5)");
				}
				finally {
					connection.rollback();
					connection.setAutoCommit(true);
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			System.err.println("fault-run: the long transaction failed: " + ex.getMessage());
		}
	}

	private static Process startWorker(List<String> spring) throws IOException {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), "-Dloader.main=" + FaultRun.class.getName(),
				"org.springframework.boot.loader.launch.PropertiesLauncher", "--role=worker"));
		command.addAll(spring);
		// FAULT_WORKER_LOG names a file the workers' output is appended to (discarded by default).
		String log = System.getenv("FAULT_WORKER_LOG");
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput((log != null) ? ProcessBuilder.Redirect.appendTo(new java.io.File(log))
					: ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	private static void signal(String signal, long pid) throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor();
	}

}
