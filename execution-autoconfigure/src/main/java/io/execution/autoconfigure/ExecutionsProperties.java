package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Executions: calls started with an id whose record (status, progress, result) is kept in
 * the store of the queue backend (in memory, or in Redis for every instance).
 */
@ConfigurationProperties("execution.executions")
public class ExecutionsProperties implements Validator {

	/**
	 * How long an execution's record is kept after its last change; then its id is unknown.
	 */
	private Duration retention = Duration.ofHours(1);

	/**
	 * With the memory backend, the most execution records held at once: past it finished
	 * records are dropped before their retention ends, and a new execution is refused when
	 * none has finished.
	 */
	private int memoryCapacity = 100_000;

	public int getMemoryCapacity() {
		return this.memoryCapacity;
	}

	public void setMemoryCapacity(int memoryCapacity) {
		this.memoryCapacity = memoryCapacity;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}


	@Override
	public boolean supports(Class<?> type) {
		return ExecutionsProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		new SettingChecks(errors).atLeast("memoryCapacity", 1, this.memoryCapacity).positive("retention", this.retention);
	}

}
