package io.execution.console;

import java.util.List;
import java.util.Map;

import io.execution.actuate.ConsoleSnapshots;
import io.execution.lanes.Graded;
import io.execution.lanes.GradedApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's snapshot is one per interval for every page, and its history is bounded: a page
 * left open for hours holds what one open for minutes does.
 */
class ConsoleSnapshotsTest {

	private static ConfigurableApplicationContext run(String interval) {
		return new SpringApplicationBuilder(GradedApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "execution.console.enabled=true",
					"execution.console.refresh-interval=" + interval, "management.endpoints.web.exposure.include=console",
					"execution.endpoints.graded.queue=graded", "execution.worker.enabled=true",
					"execution.worker.queues=graded")
			.run();
	}

	@Test
	void everyPageWithinAnIntervalGetsTheSameSnapshot() {
		try (ConfigurableApplicationContext app = run("1h")) {
			ConsoleSnapshots snapshots = app.getBean(ConsoleSnapshots.class);
			Map<String, Object> first = snapshots.current();
			for (int page = 0; page < 50; page++) {
				assertThat(snapshots.current()).isSameAs(first);
			}
		}
	}

	@Test
	void theHistoryKeepsAFixedNumberOfPointsAndRatesComeFromCounts() throws Exception {
		try (ConfigurableApplicationContext app = run("1ms")) {
			ConsoleSnapshots snapshots = app.getBean(ConsoleSnapshots.class);
			Graded graded = app.getBean(Graded.class);
			for (int i = 0; i < 500; i++) {
				graded.run("x" + i).get();
				// Until the interval (1 ms) has passed and a new snapshot is made.
				Map<String, Object> before = snapshots.current();
				while (snapshots.current() == before) {
					Thread.onSpinWait();
				}
			}
			Map<String, Object> endpoint = endpoint(snapshots.current());
			assertThat((List<?>) endpoint.get("history")).hasSizeLessThanOrEqualTo(90).hasSizeGreaterThan(50);
			assertThat(((Number) endpoint.get("calls")).longValue()).isEqualTo(500);
			assertThat(endpoint.get("mode")).isEqualTo("queue");
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> endpoint(Map<String, Object> snapshot) {
		return ((List<Map<String, Object>>) snapshot.get("endpoints")).stream()
			.filter((one) -> "graded".equals(one.get("name")))
			.findFirst()
			.orElseThrow();
	}

}
