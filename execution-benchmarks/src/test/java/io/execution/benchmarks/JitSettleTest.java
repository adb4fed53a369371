package io.execution.benchmarks;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitSettleTest {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void aCompilerStillBusyIsNotSettledHoweverLongItRan() {
		JitSettle jit = new JitSettle();
		// 250 ms of compiling every second: what C2 was seen doing 35 s into a run on 2 cores.
		for (int second = 0; second <= 60; second++) {
			jit.sample(second * SECOND, second * 250L);
			assertThat(jit.settled()).as("second %d", second).isFalse();
		}
	}

	@Test
	void anIdleCompilerIsSettledOnlyOnceAWholeWindowWasWatched() {
		JitSettle jit = new JitSettle();
		for (int second = 0; second < JitSettle.WINDOW_SECONDS; second++) {
			jit.sample(second * SECOND, 1_000);
			assertThat(jit.settled()).isFalse();
		}
		jit.sample(JitSettle.WINDOW_SECONDS * SECOND, 1_000);
		assertThat(jit.settled()).isTrue();
	}

	@Test
	void settlingIsJudgedOnTheLastWindowNotOnTheWholeRun() {
		JitSettle jit = new JitSettle();
		long compiled = 0;
		int second = 0;
		// Half a core compiling for 20 s, then a trickle within the allowed share.
		for (; second < 20; second++) {
			compiled += 500;
			jit.sample(second * SECOND, compiled);
		}
		assertThat(jit.settled()).isFalse();
		// The last busy reading was at 19 s: the window of trickle starts there, and is whole at 24 s.
		for (; second < 19 + JitSettle.WINDOW_SECONDS; second++) {
			compiled += 10;
			jit.sample(second * SECOND, compiled);
			assertThat(jit.settled()).isFalse();
		}
		compiled += 10;
		jit.sample(second * SECOND, compiled);
		assertThat(jit.settled()).isTrue();
		// A burst of compiling (a deoptimisation, a new path) unsettles it again.
		second++;
		compiled += 400;
		jit.sample(second * SECOND, compiled);
		assertThat(jit.settled()).isFalse();
	}

	@Test
	void readingsEveryTenthOfASecondAreKeptToAboutAWindow() {
		JitSettle jit = new JitSettle();
		for (int tenth = 0; tenth < 600; tenth++) {
			jit.sample(tenth * SECOND / 10, 5_000 + tenth);
		}
		// 1 ms per 100 ms is 1 %, within the 5 % allowed.
		assertThat(jit.settled()).isTrue();
		assertThat(jit.readings()).isBetween(JitSettle.WINDOW_SECONDS * 10, JitSettle.WINDOW_SECONDS * 10 + 2);
	}

}
