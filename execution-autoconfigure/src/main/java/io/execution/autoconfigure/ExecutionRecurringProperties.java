package io.execution.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import io.execution.recurring.RecurringCall;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Recurring calls: client methods called by a cron expression or at a fixed rate, each tick
 * once across every instance sharing the backend.
 */
@ConfigurationProperties("execution.recurring")
public class ExecutionRecurringProperties implements Validator {

	/**
	 * Whether this instance ticks the recurring calls (declared with @Recurring, configured
	 * here, or registered through RecurringCalls). Any instance that ticks is enough: each tick
	 * runs once however many do.
	 */
	private boolean enabled = true;

	/**
	 * Recurring calls by name.
	 */
	private final Map<String, Call> calls = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Call> getCalls() {
		return this.calls;
	}

	/**
	 * One recurring call.
	 */
	public static class Call {

		/**
		 * The client method called, as {@code <service>.<method>}: a method without parameters.
		 */
		private String call;

		/**
		 * A cron expression of six fields (second minute hour day-of-month month day-of-week)
		 * or a macro such as @hourly; either this or every.
		 */
		private String cron;

		/**
		 * The zone the cron expression is read in; the JVM's when unset.
		 */
		private ZoneId zone;

		/**
		 * A fixed rate, counted from the epoch (every 30s is due at :00 and :30); either this or
		 * cron.
		 */
		private Duration every;

		/**
		 * What to do with ticks that fell due while no instance ran.
		 */
		private RecurringCall.Missed missed = RecurringCall.Missed.SKIP;

		/**
		 * With missed: run-all, the most missed ticks run (the latest ones).
		 */
		private int maxMissed = 10;

		/**
		 * What to do when a tick is due while the previous one still runs.
		 */
		private RecurringCall.Overlap overlap = RecurringCall.Overlap.SKIP;

		/**
		 * Each tick's timeout; the endpoint's when unset.
		 */
		private Duration timeout;

		public String getCall() {
			return this.call;
		}

		public void setCall(String call) {
			this.call = call;
		}

		public String getCron() {
			return this.cron;
		}

		public void setCron(String cron) {
			this.cron = cron;
		}

		public ZoneId getZone() {
			return this.zone;
		}

		public void setZone(ZoneId zone) {
			this.zone = zone;
		}

		public Duration getEvery() {
			return this.every;
		}

		public void setEvery(Duration every) {
			this.every = every;
		}

		public RecurringCall.Missed getMissed() {
			return this.missed;
		}

		public void setMissed(RecurringCall.Missed missed) {
			this.missed = missed;
		}

		public int getMaxMissed() {
			return this.maxMissed;
		}

		public void setMaxMissed(int maxMissed) {
			this.maxMissed = maxMissed;
		}

		public RecurringCall.Overlap getOverlap() {
			return this.overlap;
		}

		public void setOverlap(RecurringCall.Overlap overlap) {
			this.overlap = overlap;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	@Override
	public boolean supports(Class<?> type) {
		return ExecutionRecurringProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SettingChecks checks = new SettingChecks(errors);
		this.calls.forEach((name, call) -> {
			String path = "calls." + name + ".";
			if (call.getCall() == null || !call.getCall().matches("[^.\\s]+\\.[^.\\s]+")) {
				checks.reject(path + "call", String.valueOf(call.getCall()), "not-a-method",
						"must name a client method as <service>.<method>, such as reports.nightly");
			}
			if ((call.getCron() == null) == (call.getEvery() == null)) {
				checks.reject(path + "cron", String.valueOf(call.getCron()), "cron-or-every",
						"set either cron (such as '0 0 2 * * *') or every (such as 30s), not both nor neither");
			}
			else if (call.getCron() != null) {
				try {
					org.springframework.scheduling.support.CronExpression.parse(call.getCron());
				}
				catch (IllegalArgumentException ex) {
					checks.reject(path + "cron", call.getCron(), "not-cron",
							"is not a cron expression of six fields (second minute hour day-of-month month"
									+ " day-of-week) nor a macro such as @hourly: " + ex.getMessage());
				}
			}
			else if (call.getEvery().compareTo(Duration.ofSeconds(1)) < 0) {
				checks.reject(path + "every", SettingChecks.shown(call.getEvery()), "too-short", "must be 1s or more");
			}
			if (call.getMaxMissed() < 1) {
				checks.reject(path + "max-missed", call.getMaxMissed(), "positive", "must be 1 or more");
			}
			if (call.getTimeout() != null) {
				checks.positive(path + "timeout", call.getTimeout());
			}
		});
	}

}
