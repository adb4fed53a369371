package io.execution.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.execution.ExecutionClient;
import io.execution.ExecutionService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logging MDC holds the call a thread is in ({@code execution.invocation},
 * {@code execution.endpoint}, {@code execution.mode}, docs/operating.md) and what it held before
 * when the call ends: nothing of ours after an outermost call, the outer call's after a nested
 * one, and the application's own keys untouched.
 */
@SpringBootTest(classes = LoggingContextTest.App.class)
class LoggingContextTest {

	@Autowired
	Outer outer;

	@Autowired
	Seen seen;

	@AfterEach
	void clear() {
		MDC.clear();
		this.seen.clear();
	}

	@Test
	void aCallSeesItsOwnKeysAndItsCallerSeesNoneOfThemAfter() {
		MDC.put("tenant", "acme");
		assertThat(this.outer.greet("ada")).isEqualTo("hello ada");
		Map<String, String> inside = this.seen.get(0);
		assertThat(inside).containsEntry("execution.endpoint", "outer")
			.containsEntry("execution.mode", "local")
			.containsEntry("tenant", "acme")
			.containsKey("execution.invocation");
		assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("tenant");
	}

	@Test
	void aNestedCallPutsBackTheOuterCallsKeys() {
		this.outer.greet("ada");
		Map<String, String> before = this.seen.get(0);
		Map<String, String> nested = this.seen.get(1);
		Map<String, String> after = this.seen.get(2);
		assertThat(nested).containsEntry("execution.endpoint", "inner");
		assertThat(nested.get("execution.invocation")).isNotEqualTo(before.get("execution.invocation"));
		assertThat(after).isEqualTo(before);
	}

	@Test
	void keysCopiedFromAnotherThreadAreKeptAcrossACall() {
		// As a TaskDecorator that carries the MDC to a task's thread leaves them.
		MDC.put("execution.invocation", "copied-1");
		MDC.put("execution.endpoint", "billing");
		MDC.put("execution.mode", "queue");
		this.outer.greet("ada");
		assertThat(MDC.getCopyOfContextMap()).containsEntry("execution.invocation", "copied-1")
			.containsEntry("execution.endpoint", "billing")
			.containsEntry("execution.mode", "queue");
	}

	@ExecutionClient("outer")
	public interface Outer {

		String greet(String name);

	}

	@ExecutionClient("inner")
	public interface Inner {

		String echo(String text);

	}

	/** What the MDC held at each point the services looked, in order. */
	static class Seen extends ArrayList<Map<String, String>> {

		void look() {
			Map<String, String> now = MDC.getCopyOfContextMap();
			add((now != null) ? now : Map.of());
		}

	}

	@ExecutionService
	static class OuterService implements Outer {

		private final Inner inner;

		private final Seen seen;

		OuterService(Inner inner, Seen seen) {
			this.inner = inner;
			this.seen = seen;
		}

		@Override
		public String greet(String name) {
			this.seen.look();
			String echoed = this.inner.echo(name);
			this.seen.look();
			return "hello " + echoed;
		}

	}

	@ExecutionService
	static class InnerService implements Inner {

		private final Seen seen;

		InnerService(Seen seen) {
			this.seen = seen;
		}

		@Override
		public String echo(String text) {
			this.seen.look();
			return text;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ OuterService.class, InnerService.class, Seen.class })
	static class App {

	}

}
