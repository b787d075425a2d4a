package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/**
 * The validated, immutable settings of one named shared circuit breaker. Two routes
 * naming the same breaker must agree on these, because the replicas share one window and
 * one state for it.
 */
public record BreakerSettings(String name, float failureRateThreshold, float slowCallRateThreshold,
		Duration slowCallDuration, Duration slidingWindow, int minimumCalls, Duration waitInOpen, int halfOpenCalls,
		Set<Integer> failureStatuses, @Nullable Duration timeout) {

	/**
	 * Names end up in Redis keys ({@code tollgate:cb:{name}:...}) and pub/sub messages.
	 */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

	static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;

	static final Duration DEFAULT_SLOW_CALL_DURATION = Duration.ofSeconds(60);

	static final Duration DEFAULT_SLIDING_WINDOW = Duration.ofSeconds(10);

	static final int DEFAULT_MINIMUM_CALLS = 20;

	static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);

	static final int DEFAULT_HALF_OPEN_CALLS = 3;

	static final List<Integer> DEFAULT_FAILURE_STATUSES = List.of(500, 502, 503, 504);

	public BreakerSettings {
		String where = "circuit breaker '" + name + "': ";
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Circuit breaker name must match " + NAME.pattern() + ", got '" + name + "'");
		}
		if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					where + "failure-rate-threshold must be in (0, 100], got " + failureRateThreshold);
		}
		if (!(slowCallRateThreshold > 0 && slowCallRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					where + "slow-call-rate-threshold must be in (0, 100], got " + slowCallRateThreshold);
		}
		positive(where, "slow-call-duration", slowCallDuration);
		positive(where, "sliding-window", slidingWindow);
		if (slidingWindow.toMillis() % 1000 != 0) {
			throw new IllegalArgumentException(where + "sliding-window must be whole seconds, got " + slidingWindow);
		}
		if (minimumCalls < 1) {
			throw new IllegalArgumentException(where + "minimum-calls must be at least 1, got " + minimumCalls);
		}
		positive(where, "wait-in-open", waitInOpen);
		if (halfOpenCalls < 1) {
			throw new IllegalArgumentException(where + "half-open-calls must be at least 1, got " + halfOpenCalls);
		}
		if (timeout != null) {
			positive(where, "timeout", timeout);
		}
		for (Integer status : failureStatuses) {
			if (status == null || status < 100 || status > 599) {
				throw new IllegalArgumentException(where + "failure-statuses must be HTTP status codes, got " + status);
			}
		}
		failureStatuses = Set.copyOf(new TreeSet<>(failureStatuses));
	}

	private static void positive(String where, String what, Duration d) {
		if (d == null || d.isNegative() || d.isZero()) {
			throw new IllegalArgumentException(where + what + " must be a positive duration, got " + d);
		}
	}

	public int slidingWindowSeconds() {
		return (int) slidingWindow.toSeconds();
	}

	/**
	 * Time given to half-open trial calls to report before their permits are handed out
	 * again.
	 */
	public Duration trialTimeout() {
		Duration base = timeout != null ? timeout : slowCallDuration;
		return base.plusSeconds(1);
	}

	/**
	 * Resolves the settings of a breaker: route arguments win over the named definition
	 * under {@code tollgate.circuit-breakers.<name>}, which wins over the defaults.
	 */
	static BreakerSettings resolve(String name, @Nullable BreakerProperties named, BreakerProperties args) {
		BreakerProperties base = named != null ? named : new BreakerProperties();
		return new BreakerSettings(name,
				pick(args.getFailureRateThreshold(), base.getFailureRateThreshold(), DEFAULT_FAILURE_RATE_THRESHOLD),
				pick(args.getSlowCallRateThreshold(), base.getSlowCallRateThreshold(),
						DEFAULT_SLOW_CALL_RATE_THRESHOLD),
				pick(args.getSlowCallDuration(), base.getSlowCallDuration(), DEFAULT_SLOW_CALL_DURATION),
				pick(args.getSlidingWindow(), base.getSlidingWindow(), DEFAULT_SLIDING_WINDOW),
				pick(args.getMinimumCalls(), base.getMinimumCalls(), DEFAULT_MINIMUM_CALLS),
				pick(args.getWaitInOpen(), base.getWaitInOpen(), DEFAULT_WAIT_IN_OPEN),
				pick(args.getHalfOpenCalls(), base.getHalfOpenCalls(), DEFAULT_HALF_OPEN_CALLS),
				Set.copyOf(pick(args.getFailureStatuses(), base.getFailureStatuses(), DEFAULT_FAILURE_STATUSES)),
				args.getTimeout() != null ? args.getTimeout() : base.getTimeout());
	}

	private static <T> T pick(@Nullable T first, @Nullable T second, T fallback) {
		return first != null ? first : second != null ? second : fallback;
	}
}
