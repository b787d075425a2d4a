package io.tollgate.policy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.convert.DurationStyle;

/**
 * Parses limit lists such as {@code "100/1s, 2000/1m, 50000/1d"} or
 * {@code "100/1s;1000000/1mo"}. Durations use Spring's syntax ({@code 500ms}, {@code 1s},
 * {@code 10m}, {@code 1h}, {@code 1d}, or ISO-8601) plus {@code Nmo} for UTC calendar
 * months.
 */
public final class LimitParser {

	private LimitParser() {
	}

	public static List<Limit> parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("ClusterRateLimit needs at least one limit such as '100/1s'");
		}
		List<Limit> limits = new ArrayList<>();
		for (String part : text.split("[,;]")) {
			String p = part.trim();
			if (!p.isEmpty()) {
				limits.add(parseOne(p));
			}
		}
		if (limits.isEmpty()) {
			throw new IllegalArgumentException("ClusterRateLimit needs at least one limit such as '100/1s'");
		}
		return List.copyOf(limits);
	}

	public static Limit parseOne(String text) {
		int slash = text.indexOf('/');
		if (slash <= 0 || slash == text.length() - 1) {
			throw new IllegalArgumentException("Bad rate limit '" + text + "': expected COUNT/DURATION such as 100/1s");
		}
		long count;
		try {
			count = Long.parseLong(text.substring(0, slash).trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Bad count in rate limit '" + text + "'");
		}
		String duration = text.substring(slash + 1).trim();
		String lower = duration.toLowerCase(Locale.ROOT);
		if (lower.endsWith("mo")) {
			int months;
			try {
				months = Integer.parseInt(lower.substring(0, lower.length() - 2).trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Bad month count in rate limit '" + text + "'");
			}
			if (months < 1 || months > 12 || 12 % months != 0) {
				throw new IllegalArgumentException(
						"Calendar months in rate limit '" + text + "' must divide a year (1, 2, 3, 4, 6 or 12)");
			}
			return new Limit(count, 0, months, months + "mo");
		}
		Duration d;
		try {
			d = DurationStyle.detectAndParse(duration);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Bad duration in rate limit '" + text + "': use 500ms, 1s, 10m, 1h, 1d or 1mo");
		}
		if (d.toMillis() < 1) {
			throw new IllegalArgumentException("Rate limit period must be at least 1ms in '" + text + "'");
		}
		return new Limit(count, d.toMillis(), 0, duration);
	}

}
