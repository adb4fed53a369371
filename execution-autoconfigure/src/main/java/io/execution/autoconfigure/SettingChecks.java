package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * The checks of the properties classes, each a {@link org.springframework.validation.Validator}
 * that Spring Boot runs as it binds them: a value that cannot work fails the start with
 * Boot's failure analysis, one line per property with its value and what it must be.
 */
final class SettingChecks {

	private final Errors errors;

	SettingChecks(Errors errors) {
		this.errors = errors;
	}

	SettingChecks positive(String field, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			this.errors.rejectValue(field, "positive", "must be longer than zero, such as 30s");
		}
		return this;
	}

	SettingChecks notNegative(String field, Duration value) {
		if (value == null || value.isNegative()) {
			this.errors.rejectValue(field, "not-negative", "must be zero or longer");
		}
		return this;
	}

	SettingChecks positive(String field, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			this.errors.rejectValue(field, "positive", "must be larger than zero, such as 4MB");
		}
		return this;
	}

	SettingChecks notNegative(String field, DataSize value) {
		if (value == null || value.isNegative()) {
			this.errors.rejectValue(field, "not-negative", "must be zero or larger");
		}
		return this;
	}

	SettingChecks atLeast(String field, int minimum, int value) {
		if (value < minimum) {
			this.errors.rejectValue(field, "too-small", "must be at least " + minimum);
		}
		return this;
	}

}
