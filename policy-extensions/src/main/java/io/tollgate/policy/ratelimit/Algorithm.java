package io.tollgate.policy.ratelimit;

import java.util.Locale;

/**
 * How a limit counts. The same algorithms run in Redis (ratelimit.lua) and in
 * {@link LocalRateLimitStore}.
 */
public enum Algorithm {

	/**
	 * Generic cell rate algorithm: bursts of up to N, sustained N per period; one
	 * timestamp per key.
	 */
	GCRA("gcra", "g"),

	/**
	 * Two-counter approximation of a sliding window (previous window weighted by its
	 * overlap).
	 */
	SLIDING_WINDOW("sliding-window", "s"),

	/** Counter per UTC-aligned window; calendar months with {@code mo}. */
	FIXED_WINDOW("fixed-window", "f");

	private final String configName;

	private final String scriptCode;

	Algorithm(String configName, String scriptCode) {
		this.configName = configName;
		this.scriptCode = scriptCode;
	}

	public String configName() {
		return configName;
	}

	/** The one-letter code ratelimit.lua understands. */
	public String scriptCode() {
		return scriptCode;
	}

	public static Algorithm parse(String text) {
		if (text == null || text.isBlank()) {
			return GCRA;
		}
		String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
		for (Algorithm a : values()) {
			if (a.configName.equals(t)) {
				return a;
			}
		}
		throw new IllegalArgumentException(
				"Unknown rate-limit algorithm '" + text + "': use gcra, sliding-window or fixed-window");
	}

}
