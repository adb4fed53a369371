package io.execution.tracing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.execution.httpit.caller.Billing;
import io.execution.httpit.caller.CallerApplication;
import io.execution.httpit.worker.WorkerApplication;
import io.execution.it.Lab;
import io.execution.it.LabApplication;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One observation per call on the caller and one per execution on the worker; the trace context
 * a tracer writes on the caller's side arrives on the worker's side, over the queue and over HTTP.
 */
class TracingTest {

	/** Stands in for a tracer's propagator: writes a trace header on send, records it on receipt. */
	static final class Propagator implements ObservationHandler<Observation.Context> {

		final List<String> received = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			if (context instanceof SenderContext<?> sender) {
				write(sender, "00-" + context.getHighCardinalityKeyValue("invocation.id").getValue() + "-01");
			}
			if (context instanceof ReceiverContext<?> receiver) {
				String value = read(receiver);
				this.received.add((value != null) ? value : "none");
			}
		}

		@SuppressWarnings("unchecked")
		private static <C> void write(SenderContext<C> sender, String value) {
			sender.getSetter().set(sender.getCarrier(), "traceparent", value);
		}

		private static <C> String read(ReceiverContext<C> receiver) {
			return receiver.getGetter().get(receiver.getCarrier(), "traceparent");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	private static TestObservationRegistry registry(Propagator propagator) {
		TestObservationRegistry registry = TestObservationRegistry.create();
		registry.observationConfig().observationHandler(propagator);
		return registry;
	}

	@Test
	void theTraceCrossesTheQueue() throws Exception {
		Propagator propagator = new Propagator();
		TestObservationRegistry registry = registry(propagator);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LabApplication.class)
			.web(WebApplicationType.NONE)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("observationRegistry", registry))
			.properties("execution.endpoints.lab.queue=lab", "execution.worker.enabled=true",
					"execution.worker.queues=lab")
			.run()) {
			Lab lab = context.getBean(Lab.class);
			assertThat(lab.echo("traced")).isEqualTo("traced");
			assertThat(lab.echoAsync("async").get(5, TimeUnit.SECONDS)).isEqualTo("async");
		}
		TestObservationRegistryAssert.assertThat(registry)
			.hasNumberOfObservationsWithNameEqualTo("execution.invocations", 2)
			.hasNumberOfObservationsWithNameEqualTo("execution.server.invocations", 2)
			.hasObservationWithNameEqualTo("execution.invocations")
			.that()
			.hasLowCardinalityKeyValue("mode", "queue")
			.hasLowCardinalityKeyValue("outcome", "success");
		assertThat(propagator.received).hasSize(2).allMatch((value) -> value.startsWith("00-"));
	}

	@Test
	void theTraceCrossesHttp() {
		Propagator workerSide = new Propagator();
		TestObservationRegistry workerRegistry = registry(workerSide);
		TestObservationRegistry callerRegistry = registry(new Propagator());
		try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("observationRegistry", workerRegistry))
			.properties("server.port=0", "execution.http.server.enabled=true", "test.instance=t",
					"spring.main.banner-mode=off")
			.run();
				ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
					.web(WebApplicationType.NONE)
					.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("observationRegistry", callerRegistry))
					.properties("execution.endpoints.billing.urls=http://localhost:"
							+ worker.getEnvironment().getProperty("local.server.port"), "spring.main.banner-mode=off")
					.run()) {
			assertThat(caller.getBean(Billing.class).quote("x")).isEqualTo("t");
		}
		TestObservationRegistryAssert.assertThat(callerRegistry)
			.hasObservationWithNameEqualTo("execution.invocations")
			.that()
			.hasLowCardinalityKeyValue("mode", "http");
		TestObservationRegistryAssert.assertThat(workerRegistry).hasObservationWithNameEqualTo("execution.server.invocations");
		// Spring MVC's own server observation of the call reads the HTTP headers, the execution's
		// observation the envelope: both receive the caller's trace context, so both join its trace
		// (the start-up ping carries none).
		assertThat(workerSide.received.stream().filter((value) -> value.startsWith("00-"))).hasSize(2);
	}

}
