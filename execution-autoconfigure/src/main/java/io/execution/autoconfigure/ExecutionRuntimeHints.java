package io.execution.autoconfigure;

import io.execution.async.ExecutionRecord;
import io.execution.registry.WorkerInfo;
import io.execution.worker.WorkerOperations;
import io.execution.worker.WorkerOperationsService;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What Execution itself reads and writes as JSON by reflection: the worker registry's records
 * and execution records (in Redis, and on the Actuator endpoint); the built-in
 * {@link WorkerOperations} service, its client proxy and records; and resources read from the
 * class path: the Redis backend's Lua scripts, the jdbc backend's DDL and the console's page and
 * assets.
 */
class ExecutionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), WorkerInfo.class,
				ExecutionRecord.class);
		hints.resources().registerPattern("io/execution/redis/lua/*.lua");
		// The jdbc backend's DDL, read at start-up, and its Liquibase change log.
		hints.resources().registerPattern("io/execution/jdbc/*");
		// The operator console's page and assets, read through ClassPathResource.
		hints.resources().registerPattern("io/execution/console/*");
		// The built-in service every application answers: its client's JDK proxy, its implementation
		// called by reflection, and the records it answers with, bound by Jackson.
		ExecutionAotProcessor.register(hints, java.util.Set.of(WorkerOperations.class),
				java.util.Set.of(WorkerOperationsService.class));
	}

}
