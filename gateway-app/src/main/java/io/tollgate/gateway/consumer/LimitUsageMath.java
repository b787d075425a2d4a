package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

import org.springframework.lang.Nullable;

import io.tollgate.policy.ratelimit.Limit;

/**
 * Reads a limit's state the way {@code ratelimit.lua} writes it: gcra keeps the
 * theoretical arrival time (ms, a float), fixed-window keeps {@code <window start
 * ms>:<count>} for UTC-aligned windows (calendar months for {@code mo}).
 */
final class LimitUsageMath {

	/** Rounding tolerance of the script's float arithmetic (1 us). */
	private static final double EPS = 0.001;

	private LimitUsageMath() {
	}

	/** used, remaining, reset in whole seconds. */
	record Usage(long used, long remaining, long resetSeconds) {
	}

	static Usage gcra(Limit limit, @Nullable String stored, double nowMillis) {
		long n = limit.count();
		if (stored == null) {
			return new Usage(0, n, 0);
		}
		double tat;
		try {
			tat = Double.parseDouble(stored);
		}
		catch (NumberFormatException ex) {
			return new Usage(0, n, 0);
		}
		double backlog = tat - nowMillis;
		if (backlog <= 0) {
			return new Usage(0, n, 0);
		}
		double period = limit.periodMillis();
		double interval = period / n;
		long used = Math.min(n, (long) Math.ceil(backlog / interval - EPS));
		long remaining = Math.max(0, (long) Math.floor((period - backlog) / interval + EPS));
		return new Usage(used, remaining, (long) Math.ceil(backlog / 1000.0));
	}

	static Usage fixedWindow(Limit limit, @Nullable String stored, double nowMillis) {
		long n = limit.count();
		long[] window = window(limit, (long) Math.floor(nowMillis));
		long used = 0;
		if (stored != null) {
			int colon = stored.indexOf(':');
			try {
				if (colon > 0 && Long.parseLong(stored.substring(0, colon)) == window[0]) {
					used = Long.parseLong(stored.substring(colon + 1));
				}
			}
			catch (NumberFormatException ex) {
				used = 0;
			}
		}
		if (used <= 0) {
			return new Usage(0, n, 0);
		}
		return new Usage(used, Math.max(0, n - used), (long) Math.ceil((window[1] - nowMillis) / 1000.0));
	}

	/**
	 * [start, end) in ms of the window holding {@code now}, as the script computes it.
	 */
	static long[] window(Limit limit, long now) {
		if (!limit.isCalendarMonths()) {
			long period = limit.periodMillis();
			long start = Math.floorDiv(now, period) * period;
			return new long[] { start, start + period };
		}
		YearMonth current = YearMonth.from(Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC));
		int index = (current.getYear() - 1970) * 12 + current.getMonthValue() - 1;
		index -= Math.floorMod(index, limit.months());
		return new long[] { monthStart(index), monthStart(index + limit.months()) };
	}

	private static long monthStart(int index) {
		return YearMonth.of(1970 + Math.floorDiv(index, 12), Math.floorMod(index, 12) + 1)
			.atDay(1)
			.atStartOfDay(ZoneOffset.UTC)
			.toInstant()
			.toEpochMilli();
	}

}
