package io.execution.benchmarks;

import io.execution.redis.TestRedis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each mode runs and prints one well-formed line. No timing is asserted: figures come from real
 * runs, recorded in the README.
 */
class BenchmarkTest {

	@ParameterizedTest
	@ValueSource(strings = { "direct", "executor", "local", "memory-queue", "http", "redis-queue", "spring-http-interface",
			"redisson-remote" })
	void eachModeRunsAndPrintsOneWellFormedLine(String mode) throws Exception {
		String line = Benchmark.run(Benchmark.Options.parse("--mode", mode, "--callers", "2", "--seconds", "1",
				"--warmup", "1", "--payload", "100", "--workers", "2", "--redis-port",
				String.valueOf(TestRedis.shared().port())));
		JsonNode result = JsonMapper.builder().build().readTree(line);
		assertThat(line).doesNotContain("\n");
		assertThat(result.path("peer").asString())
			.isEqualTo(mode.equals("direct") || mode.equals("executor") || mode.equals("spring-http-interface") || mode.equals("redisson-remote")
					? mode : "execution-" + mode);
		assertThat(result.path("callers").asInt()).isEqualTo(2);
		assertThat(result.path("payload").asInt()).isEqualTo(100);
		assertThat(result.path("calls").asLong()).isPositive();
		assertThat(result.path("errors").asLong()).isZero();
		assertThat(result.path("p99_us").asLong()).isGreaterThanOrEqualTo(result.path("p50_us").asLong());
		assertThat(result.has("throughput_per_s")).isTrue();
		assertThat(result.has("workers")).isTrue();
		assertThat(result.path("jvm_cpu_us_per_call").isNumber()).isTrue();
		assertThat(result.path("warmup_s").decimalValue()).isGreaterThanOrEqualTo(java.math.BigDecimal.ONE);
		assertThat(result.path("jit_ms").isIntegralNumber()).isTrue();
		// Linux (where this suite runs) tells each thread's context switches.
		assertThat(result.path("jvm_switches_per_call").isNumber()).isTrue();
	}

	@org.junit.jupiter.api.Test
	void contextSwitchesCountEachTimeAThreadGoesOffTheCpu() throws Exception {
		java.util.Map<String, Long> before = Benchmark.contextSwitches();
		for (int i = 0; i < 50; i++) {
			// Sleeping always takes the thread off the CPU: 50 switches at least, whatever else runs.
			Thread.sleep(1);
		}
		java.util.Map<String, Long> after = Benchmark.contextSwitches();
		assertThat(before).isNotNull();
		assertThat(Benchmark.contextSwitchesBetween(before, after)).isGreaterThanOrEqualTo(50);
		// A thread that ended between two readings takes nothing away from the count.
		assertThat(Benchmark.contextSwitchesBetween(java.util.Map.of("1", 10L, "2", 500L), java.util.Map.of("1", 25L)))
			.isEqualTo(15);
	}

	@org.junit.jupiter.api.Test
	void aWarmUpThatWaitsForTheJitCompilerStillEndsByItsLimit() throws Exception {
		// Telling that the compiler settled takes a whole window of watching (5 s): within 1 + 3 s
		// the warm-up goes beyond --warmup and stops at its limit, --warmup plus --jit-settle.
		String line = Benchmark.run(Benchmark.Options.parse("--mode", "local", "--callers", "2", "--seconds", "1",
				"--warmup", "1", "--jit-settle", "3", "--payload", "100"));
		JsonNode result = JsonMapper.builder().build().readTree(line);
		assertThat(result.path("calls").asLong()).isPositive();
		assertThat(result.path("warmup_s").decimalValue()).isBetween(new java.math.BigDecimal("4.0"),
				new java.math.BigDecimal("4.3"));
	}

	@org.junit.jupiter.api.Test
	void listsOfCallersAndPayloadsRunEveryCombinationOnOneSetUpALineEach() throws Exception {
		java.util.List<String> lines = new java.util.ArrayList<>();
		Benchmark.runAll(Benchmark.Options.parse("--mode", "memory-queue", "--callers", "1,2", "--payload", "10,20",
				"--seconds", "1", "--warmup", "1", "--row-warmup", "0"), lines::add);
		JsonMapper json = JsonMapper.builder().build();
		assertThat(lines).hasSize(4);
		assertThat(lines).extracting((line) -> {
			JsonNode row = json.readTree(line);
			assertThat(row.path("calls").asLong()).isPositive();
			assertThat(row.path("errors").asLong()).isZero();
			return row.path("callers").asInt() + "x" + row.path("payload").asInt();
		}).containsExactly("1x10", "1x20", "2x10", "2x20");
	}

}
