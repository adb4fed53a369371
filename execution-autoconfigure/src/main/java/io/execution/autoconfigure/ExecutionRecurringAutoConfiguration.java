package io.execution.autoconfigure;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import io.execution.ExecutionDefinitionException;
import io.execution.async.DefaultExecutions;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.ClientMethod;
import io.execution.core.ExecutionTimer;
import io.execution.recurring.MemoryRecurringStore;
import io.execution.recurring.Recurrence;
import io.execution.recurring.RecurringCall;
import io.execution.recurring.RecurringCalls;
import io.execution.recurring.RecurringScheduler;
import io.execution.recurring.RecurringStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Recurring calls: the scheduler that ticks them ({@link RecurringCalls}) on the backend's store
 * of ticks (Redis for every instance, else this JVM), and the calls declared with
 * {@link io.execution.recurring.Recurring @Recurring} or under {@code execution.recurring.calls}, registered
 * once every client is made.
 */
@AutoConfiguration(after = { ExecutionAutoConfiguration.class, ExecutionQueueAutoConfiguration.class })
@EnableConfigurationProperties(ExecutionRecurringProperties.class)
public final class ExecutionRecurringAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(RecurringCalls.class)
	RecurringScheduler executionRecurringCalls(DefaultExecutions executions, ObjectProvider<RecurringStore> store,
			ExecutionTimer timer) {
		return new RecurringScheduler(executions, store.getIfAvailable(MemoryRecurringStore::new), timer,
				Clock.systemUTC());
	}

	@Bean
	static SmartInitializingSingleton executionRecurringRegistrar(ConfigurableListableBeanFactory beans) {
		return () -> {
			ExecutionRecurringProperties properties = beans.getBean(ExecutionRecurringProperties.class);
			ExecutionClientFactory clients = beans.getBean(ExecutionClientFactory.class);
			// Every client made, injected or not, so that each @Recurring method is seen.
			ExecutionServiceRegistrar.clientTypes(beans).forEach(clients::create);
			List<RecurringCall> declared = declared(clients, properties);
			if (!properties.isEnabled()) {
				if (!declared.isEmpty()) {
					org.slf4j.LoggerFactory.getLogger(ExecutionRecurringAutoConfiguration.class)
						.info("execution.recurring.enabled=false: this instance ticks none of its {} recurring calls;"
								+ " instances sharing the backend with it enabled tick them", declared.size());
				}
				return;
			}
			RecurringCalls calls = beans.getBean(RecurringCalls.class);
			declared.forEach(calls::register);
		};
	}

	/** The calls of the clients' @Recurring methods and of the properties, checked before any ticks. */
	static List<RecurringCall> declared(ExecutionClientFactory clients, ExecutionRecurringProperties properties) {
		List<RecurringCall> calls = new ArrayList<>();
		for (ClientMethod method : clients.methods()) {
			RecurringCall call = RecurringCall.declaredBy(method);
			if (call != null) {
				calls.add(call);
			}
		}
		properties.getCalls().forEach((name, settings) -> {
			String[] parts = settings.getCall().split("\\.");
			ClientMethod method;
			try {
				method = clients.method(parts[0], parts[1], 0);
			}
			catch (RuntimeException ex) {
				throw new ExecutionDefinitionException("execution.recurring.calls." + name + ".call = " + settings.getCall()
						+ ": no client method " + parts[1] + "() of service '" + parts[0] + "' (" + ex.getMessage() + ").",
						"Name a method without parameters of an @ExecutionClient interface (or of this application's"
								+ " @ExecutionService) as <service>.<method>.");
			}
			Recurrence recurrence = (settings.getCron() != null)
					? Recurrence.cron(settings.getCron(),
							(settings.getZone() != null) ? settings.getZone() : ZoneId.systemDefault())
					: Recurrence.every(settings.getEvery());
			try {
				calls.add(new RecurringCall(name, recurrence, method, new Object[0], settings.getMissed(),
						settings.getMaxMissed(), settings.getOverlap(), settings.getTimeout()));
			}
			catch (IllegalArgumentException ex) {
				throw new ExecutionDefinitionException("execution.recurring.calls." + name + ": " + ex.getMessage() + ".",
						"Name it with letters, digits or . _ - and call a method that does not stream.");
			}
		});
		List<String> names = calls.stream().map(RecurringCall::name).toList();
		for (String name : names) {
			if (names.indexOf(name) != names.lastIndexOf(name)) {
				throw new ExecutionDefinitionException("Two recurring calls are named '" + name + "'.",
						"Give one of them another name (@Recurring(name = …) or execution.recurring.calls.<name>).");
			}
		}
		return calls;
	}

}
