package io.execution.autoconfigure;

import io.execution.async.ExecutionRecord;
import io.execution.registry.WorkerInfo;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What Execution itself reads and writes as JSON by reflection: the worker registry's records
 * and execution records (in Redis, and on the Actuator endpoint); and the Redis backend's Lua
 * scripts, which are resources.
 */
class ExecutionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), WorkerInfo.class,
				ExecutionRecord.class);
		hints.resources().registerPattern("io/execution/redis/lua/*.lua");
	}

}
