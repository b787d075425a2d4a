package io.tollgate.policy.ratelimit;

import io.tollgate.policy.redis.ScriptReply;

/**
 * The outcome of one request against all limits of a policy. Arrays are indexed like
 * {@link RateLimitPolicy#limits()}.
 */
public final class RateLimitDecision {

	/** Where the decision came from. */
	public enum Source {

		/** The shared store: every replica counted together. */
		SHARED,

		/** A replica-local fallback limiter. */
		LOCAL,

		/**
		 * Admitted without counting because the store is down
		 * ({@code on-store-failure: allow}).
		 */
		ALLOWED_UNCOUNTED,

		/** Refused because the store is down ({@code on-store-failure: deny}). */
		UNAVAILABLE

	}

	private static final RateLimitDecision ALLOWED_UNCOUNTED = new RateLimitDecision(true, Source.ALLOWED_UNCOUNTED,
			new long[0], new long[0], new long[0], new long[0]);

	private static final RateLimitDecision UNAVAILABLE = new RateLimitDecision(false, Source.UNAVAILABLE, new long[0],
			new long[0], new long[0], new long[0]);

	private final boolean allowed;

	private final Source source;

	private final long[] limitAllowed;

	private final long[] remaining;

	private final long[] resetMillis;

	private final long[] retryAfterMillis;

	RateLimitDecision(boolean allowed, Source source, long[] limitAllowed, long[] remaining, long[] resetMillis,
			long[] retryAfterMillis) {
		this.allowed = allowed;
		this.source = source;
		this.limitAllowed = limitAllowed;
		this.remaining = remaining;
		this.resetMillis = resetMillis;
		this.retryAfterMillis = retryAfterMillis;
	}

	public static RateLimitDecision allowedUncounted() {
		return ALLOWED_UNCOUNTED;
	}

	public static RateLimitDecision unavailable() {
		return UNAVAILABLE;
	}

	/**
	 * Reads the reply of ratelimit.lua: allowed, then allowed, remaining, reset,
	 * retry-after per limit.
	 */
	static RateLimitDecision fromScript(ScriptReply reply, int limits, Source source) {
		if (reply.size() != 1 + 4 * limits) {
			throw new IllegalStateException("Unexpected reply from ratelimit.lua: " + reply);
		}
		long[] ok = new long[limits];
		long[] rem = new long[limits];
		long[] reset = new long[limits];
		long[] retry = new long[limits];
		for (int i = 0; i < limits; i++) {
			int b = 1 + 4 * i;
			ok[i] = reply.longAt(b);
			rem[i] = reply.longAt(b + 1);
			reset[i] = reply.longAt(b + 2);
			retry[i] = reply.longAt(b + 3);
		}
		return new RateLimitDecision(reply.longAt(0) == 1, source, ok, rem, reset, retry);
	}

	public boolean allowed() {
		return allowed;
	}

	public Source source() {
		return source;
	}

	/**
	 * Whether the numbers per limit are known (not for uncounted or unavailable
	 * decisions).
	 */
	public boolean counted() {
		return remaining.length > 0;
	}

	public int limitCount() {
		return remaining.length;
	}

	public boolean limitAllowed(int i) {
		return limitAllowed[i] == 1;
	}

	public long remaining(int i) {
		return remaining[i];
	}

	public long resetMillis(int i) {
		return resetMillis[i];
	}

	public long retryAfterMillis(int i) {
		return retryAfterMillis[i];
	}

	/**
	 * The limit that matters for the client: when rejected, the refusing limit that takes
	 * longest to admit; when admitted, the one with fewest units left (the longest reset
	 * on a tie).
	 */
	public int bindingLimit() {
		int best = 0;
		for (int i = 1; i < remaining.length; i++) {
			if (!allowed) {
				boolean refuses = limitAllowed[i] == 0;
				boolean bestRefuses = limitAllowed[best] == 0;
				if (refuses && (!bestRefuses || retryAfterMillis[i] > retryAfterMillis[best])) {
					best = i;
				}
			}
			else if (remaining[i] < remaining[best]
					|| (remaining[i] == remaining[best] && resetMillis[i] > resetMillis[best])) {
				best = i;
			}
		}
		return best;
	}

	/**
	 * Milliseconds until the request would be admitted by every limit that refused it (0
	 * when admitted).
	 */
	public long retryAfterMillis() {
		long max = 0;
		for (long r : retryAfterMillis) {
			max = Math.max(max, r);
		}
		return max;
	}

	@Override
	public String toString() {
		return "RateLimitDecision[" + (allowed ? "allowed" : "refused") + ", " + source + ", remaining="
				+ java.util.Arrays.toString(remaining) + ", retryAfterMs=" + java.util.Arrays.toString(retryAfterMillis)
				+ "]";
	}

}
