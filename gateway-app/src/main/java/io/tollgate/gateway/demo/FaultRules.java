package io.tollgate.gateway.demo;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Faults the demo upstream injects on request paths, switched at run time: requests whose
 * path starts with a rule's prefix fail at the rule's rate (exactly: the n-th matching
 * request fails when {@code floor(n * rate)} grows) and can be delayed. The longest
 * matching prefix wins.
 */
final class FaultRules {

	static final Duration MAX_DELAY = Duration.ofSeconds(60);

	private final Map<String, Rule> rules = new ConcurrentHashMap<>();

	/** Sets (replaces) the rule for {@code prefix}; its counters start at zero. */
	Rule put(String prefix, double rate, int status, Duration delay) {
		if (prefix == null || !prefix.startsWith("/")) {
			throw new IllegalArgumentException("path must start with '/'");
		}
		if (!(rate >= 0 && rate <= 1)) {
			throw new IllegalArgumentException("rate must be between 0 and 1");
		}
		if (status < 200 || status > 599) {
			throw new IllegalArgumentException("status must be between 200 and 599");
		}
		if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
			throw new IllegalArgumentException("delayMs must be between 0 and " + MAX_DELAY.toMillis());
		}
		Rule rule = new Rule(prefix, rate, status, delay);
		rules.put(prefix, rule);
		return rule;
	}

	boolean remove(String prefix) {
		return rules.remove(prefix) != null;
	}

	void clear() {
		rules.clear();
	}

	Optional<Rule> match(String path) {
		return rules.values()
			.stream()
			.filter(r -> path.startsWith(r.prefix))
			.max(Comparator.comparingInt(r -> r.prefix.length()));
	}

	String toJson() {
		List<Rule> sorted = rules.values()
			.stream()
			.sorted(Comparator.comparing(r -> r.prefix))
			.collect(Collectors.toList());
		return sorted.stream().map(Rule::toJson).collect(Collectors.joining(",", "{\"rules\":[", "]}\n"));
	}

	static final class Rule {

		final String prefix;

		final double rate;

		final int status;

		final Duration delay;

		private final AtomicLong matched = new AtomicLong();

		private final AtomicLong failed = new AtomicLong();

		Rule(String prefix, double rate, int status, Duration delay) {
			this.prefix = prefix;
			this.rate = rate;
			this.status = status;
			this.delay = delay;
		}

		/** Counts one request; true when this one must fail. */
		boolean nextFails() {
			long n = matched.incrementAndGet();
			boolean fail = (long) Math.floor(n * rate) > (long) Math.floor((n - 1) * rate);
			if (fail) {
				failed.incrementAndGet();
			}
			return fail;
		}

		String toJson() {
			return "{\"path\":" + Json.quote(prefix) + ",\"rate\":" + rate + ",\"status\":" + status + ",\"delayMs\":"
					+ delay.toMillis() + ",\"matched\":" + matched.get() + ",\"failed\":" + failed.get() + "}";
		}

	}

}
