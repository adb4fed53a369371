package io.execution.recurring;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.springframework.scheduling.support.CronExpression;

/**
 * When a recurring call is due: a cron expression (Spring's six fields, with macros such as
 * {@code @hourly}) in a time zone, or a fixed rate. Every instance computes the same due times
 * from its own clock — a rate counts from the epoch, not from the start of a process — so that
 * a tick is one tick across the cluster.
 */
public final class Recurrence {

	private final CronExpression cron;

	private final ZoneId zone;

	private final Duration every;

	private final String text;

	private Recurrence(CronExpression cron, ZoneId zone, Duration every, String text) {
		this.cron = cron;
		this.zone = zone;
		this.every = every;
		this.text = text;
	}

	/**
	 * Due by a cron expression.
	 * @param expression six fields ({@code second minute hour day-of-month month day-of-week}) or a
	 * macro ({@code @hourly}, {@code @daily}, …)
	 * @param zone the zone the expression is read in
	 * @return the recurrence
	 * @throws IllegalArgumentException naming what is wrong with the expression
	 */
	public static Recurrence cron(String expression, ZoneId zone) {
		CronExpression cron;
		try {
			cron = CronExpression.parse(expression);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + expression + "' is not a cron expression (six fields: second minute"
					+ " hour day-of-month month day-of-week, such as '0 */5 * * * *', or @hourly, @daily): "
					+ ex.getMessage(), ex);
		}
		return new Recurrence(cron, zone, null, "cron '" + expression + "' " + zone.getId());
	}

	/**
	 * Due at a fixed rate, counted from the epoch: every 30 seconds is due at :00 and :30.
	 * @param rate the rate, at least one second
	 * @return the recurrence
	 * @throws IllegalArgumentException for a rate under one second
	 */
	public static Recurrence every(Duration rate) {
		if (rate == null || rate.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("A recurring call's rate must be one second or more (was " + rate + ")");
		}
		return new Recurrence(null, null, rate, "every " + rate.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * The first due time after an instant.
	 * @param after the instant
	 * @return the next due time, strictly after it; {@code null} when the expression never
	 * comes again
	 */
	public Instant next(Instant after) {
		if (this.every != null) {
			long rate = this.every.toMillis();
			long next = Math.floorDiv(after.toEpochMilli(), rate) * rate + rate;
			return Instant.ofEpochMilli(next);
		}
		ZonedDateTime next = this.cron.next(after.atZone(this.zone));
		return (next != null) ? next.toInstant() : null;
	}

	/**
	 * What it is, as written: {@code cron '0 0 2 * * *' Europe/Paris}, {@code every 30s}.
	 * @return the description
	 */
	@Override
	public String toString() {
		return this.text;
	}

}
