package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The operator console: the Actuator endpoint {@code console}, a web page.
 */
@ConfigurationProperties("execution.console")
public class ExecutionConsoleProperties implements Validator {

	/**
	 * Whether the application serves the console (the Actuator endpoint console, at
	 * /actuator/console; expose it with management.endpoints.web.exposure.include like any
	 * other endpoint). It needs spring-boot-starter-actuator and a web server.
	 */
	private boolean enabled;

	/**
	 * Whether the console only shows: no drain, resume, cancel, requeue or purge, whoever asks.
	 * Without it, the actions are offered to the users with write access to the console
	 * endpoint (the management security decides).
	 */
	private boolean readOnly;

	/**
	 * How often the console's snapshot of endpoints, queues and workers is made again, however
	 * many pages are open; while the console is enabled, also with no page open, so that its
	 * charts open with the last minutes.
	 */
	private Duration refreshInterval = Duration.ofSeconds(2);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isReadOnly() {
		return this.readOnly;
	}

	public void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ExecutionConsoleProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		new SettingChecks(errors).positive("refreshInterval", this.refreshInterval);
	}

}
