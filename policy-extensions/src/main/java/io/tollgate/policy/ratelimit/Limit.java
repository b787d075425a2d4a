package io.tollgate.policy.ratelimit;

import java.time.Duration;

/**
 * One "COUNT/DURATION" limit. A limit is either a fixed period ({@code periodMillis > 0})
 * or a number of UTC calendar months ({@code months > 0}).
 *
 * @param count units admitted per period
 * @param periodMillis the period in milliseconds, 0 for calendar months
 * @param months calendar months, 0 for a fixed period
 * @param durationText the duration as written ({@code 1s}, {@code 10m}, {@code 1mo})
 */
public record Limit(long count, long periodMillis, int months, String durationText) {

	/**
	 * An average month, used where a window length is needed for calendar months (header
	 * {@code w}).
	 */
	static final long AVERAGE_MONTH_MILLIS = Duration.ofDays(30).toMillis();

	public Limit {
		if (count < 1) {
			throw new IllegalArgumentException(
					"Rate limit count must be at least 1 in '" + count + "/" + durationText + "'");
		}
		if ((periodMillis > 0) == (months > 0)) {
			throw new IllegalArgumentException(
					"Rate limit needs either a period or calendar months: '" + durationText + "'");
		}
	}

	public boolean isCalendarMonths() {
		return months > 0;
	}

	/**
	 * The name used in {@code RateLimit-Policy}, problem bodies and Redis keys:
	 * {@code 100-per-1s}.
	 */
	public String name() {
		return count + "-per-" + durationText;
	}

	/**
	 * The period argument of ratelimit.lua: milliseconds, or minus the number of months.
	 */
	public String scriptPeriod() {
		return months > 0 ? Long.toString(-months) : Long.toString(periodMillis);
	}

	/** The window in whole seconds (at least 1) for the {@code w} parameter. */
	public long windowSeconds() {
		long millis = months > 0 ? months * AVERAGE_MONTH_MILLIS : periodMillis;
		return Math.max(1, (millis + 999) / 1000);
	}

	@Override
	public String toString() {
		return count + "/" + durationText;
	}
}
