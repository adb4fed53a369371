package io.execution.integration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Keeps every span the application's tracer finishes. */
public final class Spans extends SpanHandler {

	final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		if (cause == Cause.FINISHED) {
			this.finished.add(span);
		}
		return true;
	}

	List<MutableSpan> named(String name) {
		return this.finished.stream().filter((span) -> name.equals(span.name())).toList();
	}

	MutableSpan one(String name) {
		await().atMost(Duration.ofSeconds(10)).until(() -> !named(name).isEmpty());
		List<MutableSpan> spans = named(name);
		assertThat(spans).as(name).hasSize(1);
		return spans.get(0);
	}

}
