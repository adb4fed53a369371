package io.execution.sample.orchestrator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's progress bar on a terminal: redrawn in place, so a line wider than the terminal
 * would wrap and pile up.
 */
class ProgressTest {

	@Test
	void aBarLineFitsFortyColumns() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
		new Progress(out, "inventory", 20_000, () -> 12_345, true).close();
		String drawn = bytes.toString(StandardCharsets.UTF_8);
		assertThat(drawn).contains("12345/20000");
		for (String line : drawn.split("[\\r\\n]")) {
			assertThat(line.length()).as(line).isLessThanOrEqualTo(40);
		}
	}

}
