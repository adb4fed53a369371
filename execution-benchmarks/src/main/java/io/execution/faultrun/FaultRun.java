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

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A fault run: callers make calls with unique keys through a Redis queue to worker JVMs that this
 * driver starts, kills ({@code SIGKILL}) and pauses ({@code SIGSTOP}) while the script around it
 * restarts Redis; then it counts what happened to every call. Run by
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
			if (arg.startsWith("--spring.")) {
				spring.add(arg);
			}
			else if (arg.startsWith("--") && arg.contains("=")) {
				options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
		}
		spring.add("--execution.queue.redis.visibility-timeout=" + options.getOrDefault("visibility", "3s"));
		if ("worker".equals(options.get("role"))) {
			application(spring, true).registerShutdownHook();
			return;
		}
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
		arguments.addAll(List.of("--spring.main.banner-mode=off", "--execution.queue.backend=redis",
				"--execution.queue.redis.prefix=" + PREFIX,
				"--execution.endpoints.tally.queue=tally", "--execution.endpoints.tally.timeout=15s",
				"--execution.worker.enabled=" + worker, "--execution.worker.queues=tally",
				"--execution.worker.concurrency=8", "--logging.level.root=WARN"));
		return new SpringApplicationBuilder(FaultApplication.class).web(WebApplicationType.NONE)
			.run(arguments.toArray(String[]::new));
	}

	private static String drive(int seconds, int callers, int workerCount, boolean chaos, List<String> spring)
			throws Exception {
		ConfigurableApplicationContext caller = application(spring, false);
		StringRedisTemplate redis = caller.getBean(StringRedisTemplate.class);
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
				Thread.sleep(5_000);
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
			if (!idempotent.get(entry.getKey())) {
				String ran = redis.opsForValue().get(RAN + entry.getKey());
				if (ran != null && Integer.parseInt(ran) > 1) {
					ranTwice++;
				}
			}
		}
		int deadAnswered = 0;
		int dead = 0;
		JsonMapper json = JsonMapper.builder().build();
		for (MapRecord<String, Object, Object> letter : redis.opsForStream()
			.range(PREFIX + ":{q:tally}:dead", Range.unbounded())) {
			dead++;
			Object body = letter.getValue().get("body");
			try {
				JsonNode args = json.readTree(String.valueOf(body)).path("args");
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

	private static Process startWorker(List<String> spring) throws IOException {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), "-Dloader.main=" + FaultRun.class.getName(),
				"org.springframework.boot.loader.launch.PropertiesLauncher", "--role=worker"));
		command.addAll(spring);
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
	}

	private static void signal(String signal, long pid) throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor();
	}

}
