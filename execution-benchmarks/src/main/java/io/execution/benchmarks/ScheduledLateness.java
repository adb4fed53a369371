package io.execution.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.execution.async.Execution;
import io.execution.async.ExecutionRecord;
import io.execution.async.Executions;
import org.HdrHistogram.Histogram;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How late scheduled executions start on the Redis backend: {@code count} executions of
 * {@code echo} are scheduled at random instants over {@code spread} seconds (all of them pending
 * before the first is due), run by {@code workers} worker contexts, and each one's lateness is its
 * record's start time minus its due time. Prints one JSON line. Run by
 * {@code scheduled-lateness.sh}.
 */
public final class ScheduledLateness {

	private ScheduledLateness() {
	}

	public static void main(String[] args) throws Exception {
		int count = (args.length > 0) ? Integer.parseInt(args[0]) : 10_000;
		int spread = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		int port = (args.length > 2) ? Integer.parseInt(args[2]) : 6379;
		int workers = (args.length > 3) ? Integer.parseInt(args[3]) : 2;
		String prefix = "lateness" + Long.toHexString(System.nanoTime());
		String[] common = { "--spring.main.banner-mode=off", "--logging.level.root=warn",
				"--spring.data.redis.port=" + port, "--execution.queue.backend=redis",
				"--execution.queue.redis.prefix=" + prefix, "--execution.endpoints.echo.queue=echo",
				"--execution.queue.capacity=1000000", "--execution.executions.retention=10m" };
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		try {
			for (int i = 0; i < workers; i++) {
				contexts.add(context(common, "--execution.worker.enabled=true", "--execution.worker.queues=echo",
						"--execution.worker.concurrency=8"));
			}
			ConfigurableApplicationContext caller = context(common);
			contexts.add(caller);
			Executions executions = caller.getBean(Executions.class);
			Echo echo = caller.getBean(Echo.class);
			// All scheduled before the first is due: the first due comes after the time to schedule them.
			Instant first = Instant.now().plusSeconds(5 + count / 2000);
			List<Execution<String>> scheduled = new ArrayList<>(count);
			List<Instant> dues = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				Instant due = first.plusMillis(ThreadLocalRandom.current().nextLong(spread * 1000L));
				dues.add(due);
				scheduled.add(executions.startAt(due, () -> echo.echo("x")));
			}
			long pendingAtFirstDue = Duration.between(Instant.now(), first).isNegative() ? -1 : count;
			Histogram lateness = new Histogram(3);
			long early = 0;
			for (int i = 0; i < count; i++) {
				Execution<String> execution = scheduled.get(i);
				execution.await(Duration.ofSeconds(spread + 60));
				ExecutionRecord record = execution.record();
				long late = Duration.between(dues.get(i), record.startedAt()).toMillis();
				if (late < 0) {
					early++;
				}
				lateness.recordValue(Math.max(0, late));
			}
			System.out.printf("{\"peer\":\"execution-redis-scheduled\",\"scheduled\":%d,\"spread_s\":%d,\"workers\":%d,"
					+ "\"pending_when_first_due\":%d,\"lateness_p50_ms\":%d,\"lateness_p99_ms\":%d,"
					+ "\"lateness_max_ms\":%d,\"early\":%d}%n", count, spread, workers, pendingAtFirstDue,
					lateness.getValueAtPercentile(50), lateness.getValueAtPercentile(99), lateness.getMaxValue(), early);
		}
		finally {
			contexts.forEach(ConfigurableApplicationContext::close);
		}
	}

	private static ConfigurableApplicationContext context(String[] common, String... more) {
		List<String> args = new ArrayList<>(List.of(common));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

}
