package io.execution.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

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
			reject(field, shown(value), "positive", "must be longer than zero, such as 30s");
		}
		return this;
	}

	SettingChecks notNegative(String field, Duration value) {
		if (value == null || value.isNegative()) {
			reject(field, shown(value), "not-negative", "must be zero or longer");
		}
		return this;
	}

	/**
	 * Rejects a value, shown as the user would write it ({@code -5s}, not {@code PT-5S}) in
	 * Boot's failure analysis.
	 */
	SettingChecks reject(String field, Object shown, String code, String message) {
		if (this.errors instanceof BindingResult result) {
			result.addError(new FieldError(result.getObjectName(), field, shown, false,
					result.resolveMessageCodes(code, field), null, message));
		}
		else {
			this.errors.rejectValue(field, code, message);
		}
		return this;
	}

	/** A duration in the largest unit that holds it whole, as properties are written: {@code -5s}, {@code 250ms}. */
	static String shown(Duration value) {
		if (value == null) {
			return "";
		}
		long nanos;
		try {
			nanos = value.toNanos();
		}
		catch (ArithmeticException ex) {
			return value.toSeconds() + "s";
		}
		String[] suffixes = { "d", "h", "m", "s", "ms", "us", "ns" };
		long[] sizes = { 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L };
		for (int i = 0; i < sizes.length; i++) {
			if (nanos != 0 && nanos % sizes[i] == 0) {
				return (nanos / sizes[i]) + suffixes[i];
			}
		}
		return "0s";
	}

	SettingChecks positive(String field, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			reject(field, shown(value), "positive", "must be larger than zero, such as 4MB");
		}
		return this;
	}

	SettingChecks notNegative(String field, DataSize value) {
		if (value == null || value.isNegative()) {
			reject(field, shown(value), "not-negative", "must be zero or larger");
		}
		return this;
	}

	SettingChecks atLeast(String field, int minimum, int value) {
		if (value < minimum) {
			reject(field, value, "too-small", "must be at least " + minimum);
		}
		return this;
	}

	/** A size in the largest unit that holds it whole: {@code 4MB}, {@code -1B}. */
	static String shown(DataSize value) {
		if (value == null) {
			return "";
		}
		long bytes = value.toBytes();
		String[] suffixes = { "TB", "GB", "MB", "KB" };
		long[] sizes = { 1L << 40, 1L << 30, 1L << 20, 1L << 10 };
		for (int i = 0; i < sizes.length; i++) {
			if (bytes != 0 && bytes % sizes[i] == 0) {
				return (bytes / sizes[i]) + suffixes[i];
			}
		}
		return bytes + "B";
	}

}
