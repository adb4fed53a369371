package io.execution.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import io.execution.benchmarks.BenchmarkApplication;
import io.execution.benchmarks.Echo;
import io.execution.benchmarks.EchoService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What local mode adds to a plain method call: the same {@link Echo} called directly and through
 * its {@code @ExecutionClient} proxy (dispatcher, deadline, call chain, MDC, observers and
 * metrics all on, as an application has them). Run with {@code -prof gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalCallBenchmark {

	private ConfigurableApplicationContext context;

	private Echo client;

	private Echo direct;

	private String payload;

	@Setup(Level.Trial)
	public void start() {
		this.context = new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.run("--spring.main.banner-mode=off", "--logging.level.root=warn", io.execution.benchmarks.Benchmark.NO_DATA_SOURCE);
		this.client = this.context.getBean(Echo.class);
		this.direct = new EchoService();
		this.payload = "x".repeat(100);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
	}

	@Benchmark
	public String direct() {
		return this.direct.echo(this.payload);
	}

	@Benchmark
	public String local() {
		return this.client.echo(this.payload);
	}

	/**
	 * Asynchronous calls from eight threads at once: each call's deadline is watched while it
	 * runs, so what that costs under concurrency (a lock, a wake-up) shows here.
	 */
	@Benchmark
	@Threads(8)
	public String localAsync() {
		return this.client.echoAsync(this.payload).join();
	}

}
