package io.tollgate.policy.ratelimit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One filter's limits, compiled once at startup: Redis key parts and script arguments are
 * built here so that a request only concatenates its caller key.
 */
public final class RateLimitPolicy {

	/** Prefix of every rate-limit key in Redis. */
	public static final String KEY_PREFIX = "tollgate:rl:";

	private final String budget;

	private final Algorithm algorithm;

	private final List<Limit> limits;

	private final long cost;

	private final OnStoreFailure onStoreFailure;

	private final String keyPrefix;

	private final String[] keySuffixes;

	private final List<String> scriptArgs;

	public RateLimitPolicy(String budget, Algorithm algorithm, List<Limit> limits, long cost,
			OnStoreFailure onStoreFailure) {
		if (budget == null || budget.isBlank()) {
			throw new IllegalArgumentException("Rate limit budget must not be empty");
		}
		if (limits == null || limits.isEmpty()) {
			throw new IllegalArgumentException("Rate limit needs at least one limit");
		}
		if (cost < 1) {
			throw new IllegalArgumentException("Rate limit cost must be at least 1, got " + cost);
		}
		for (Limit limit : limits) {
			if (cost > limit.count()) {
				throw new IllegalArgumentException(
						"Rate limit cost " + cost + " exceeds limit " + limit + ": no request could ever be admitted");
			}
			if (limit.isCalendarMonths() && algorithm != Algorithm.FIXED_WINDOW) {
				throw new IllegalArgumentException("Calendar-month limit " + limit
						+ " needs algorithm fixed-window, not " + algorithm.configName());
			}
		}
		this.budget = budget;
		this.algorithm = algorithm;
		this.limits = List.copyOf(limits);
		this.cost = cost;
		this.onStoreFailure = onStoreFailure;
		this.keyPrefix = KEY_PREFIX + "{" + budget + ":";
		this.keySuffixes = new String[limits.size()];
		List<String> args = new ArrayList<>(1 + 3 * limits.size());
		args.add(Long.toString(cost));
		for (int i = 0; i < limits.size(); i++) {
			Limit limit = limits.get(i);
			this.keySuffixes[i] = "}:" + algorithm.configName() + ":" + limit.name();
			args.add(algorithm.scriptCode());
			args.add(Long.toString(limit.count()));
			args.add(limit.scriptPeriod());
		}
		this.scriptArgs = List.copyOf(args);
	}

	/**
	 * The Redis keys of one caller:
	 * {@code tollgate:rl:{<budget>:<caller>}:<algorithm>:<N>-per-<duration>}; the hash
	 * tag puts all limits of a caller in one cluster slot.
	 */
	public List<String> keys(String callerKey) {
		String base = keyPrefix + callerKey;
		if (keySuffixes.length == 1) {
			return List.of(base + keySuffixes[0]);
		}
		String[] keys = new String[keySuffixes.length];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = base + keySuffixes[i];
		}
		return List.of(keys);
	}

	/**
	 * Arguments of ratelimit.lua: the caller's time in microseconds, the cost, then
	 * algorithm code, count, period per limit.
	 */
	public List<String> scriptArgs(long nowMicros) {
		String[] args = new String[this.scriptArgs.size() + 1];
		args[0] = Long.toString(nowMicros);
		for (int i = 1; i < args.length; i++) {
			args[i] = this.scriptArgs.get(i - 1);
		}
		return Arrays.asList(args);
	}

	public String budget() {
		return budget;
	}

	public Algorithm algorithm() {
		return algorithm;
	}

	public List<Limit> limits() {
		return limits;
	}

	public long cost() {
		return cost;
	}

	public OnStoreFailure onStoreFailure() {
		return onStoreFailure;
	}

}
