package io.tollgate.policy.ratelimit;

import java.util.List;

import org.springframework.http.HttpHeaders;

/**
 * Writes the {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers-09 (structured-field lists) and, optionally, the
 * legacy {@code X-RateLimit-*} trio. Everything that does not depend on the decision is
 * built once.
 */
public final class RateLimitHeaders {

	public static final String POLICY = "RateLimit-Policy";

	public static final String RATE_LIMIT = "RateLimit";

	public static final String LEGACY_LIMIT = "X-RateLimit-Limit";

	public static final String LEGACY_REMAINING = "X-RateLimit-Remaining";

	public static final String LEGACY_RESET = "X-RateLimit-Reset";

	private final String policyValue;

	private final String[] remainingPrefixes;

	private final String[] counts;

	private final boolean legacy;

	public RateLimitHeaders(List<Limit> limits, boolean legacy) {
		StringBuilder policy = new StringBuilder();
		this.remainingPrefixes = new String[limits.size()];
		this.counts = new String[limits.size()];
		for (int i = 0; i < limits.size(); i++) {
			Limit limit = limits.get(i);
			if (i > 0) {
				policy.append(", ");
			}
			policy.append('"')
				.append(limit.name())
				.append("\";q=")
				.append(limit.count())
				.append(";w=")
				.append(limit.windowSeconds());
			remainingPrefixes[i] = "\"" + limit.name() + "\";r=";
			counts[i] = Long.toString(limit.count());
		}
		this.policyValue = policy.toString();
		this.legacy = legacy;
	}

	public String policyValue() {
		return policyValue;
	}

	/** Adds the fields for this decision; uncounted decisions get the policy only. */
	public void write(HttpHeaders headers, RateLimitDecision decision) {
		headers.set(POLICY, policyValue);
		if (!decision.counted()) {
			return;
		}
		int i = decision.bindingLimit();
		long remaining = decision.remaining(i);
		long reset = seconds(decision.resetMillis(i));
		headers.set(RATE_LIMIT, remainingPrefixes[i] + remaining + ";t=" + reset);
		if (legacy) {
			headers.set(LEGACY_LIMIT, counts[i]);
			headers.set(LEGACY_REMAINING, Long.toString(remaining));
			headers.set(LEGACY_RESET, Long.toString(reset));
		}
	}

	/** Whole seconds, rounded up so that a client waiting that long is never early. */
	static long seconds(long millis) {
		return millis <= 0 ? 0 : (millis + 999) / 1000;
	}

}
