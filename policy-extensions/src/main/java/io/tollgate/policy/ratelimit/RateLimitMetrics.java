package io.tollgate.policy.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The limiter's meters; decision counters are created once per route when its filter is
 * built.
 */
public final class RateLimitMetrics {

	public static final String DECISIONS = "tollgate.ratelimit.decisions";

	public static final String STORE_LATENCY = "tollgate.ratelimit.store.latency";

	public static final String STORE_ERRORS = "tollgate.ratelimit.store.errors";

	private final MeterRegistry registry;

	private final Timer storeLatency;

	private final Counter storeErrors;

	public RateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.storeLatency = Timer.builder(STORE_LATENCY)
			.description("Time of one shared rate-limit decision in Redis")
			.register(registry);
		this.storeErrors = Counter.builder(STORE_ERRORS)
			.description("Rate-limit store calls that failed or timed out")
			.register(registry);
	}

	public Timer storeLatency() {
		return storeLatency;
	}

	public Counter storeErrors() {
		return storeErrors;
	}

	/** The three decision counters of one route. */
	public RouteCounters forRoute(String routeId) {
		return new RouteCounters(decisions(routeId, "allowed"), decisions(routeId, "limited"),
				decisions(routeId, "fallback"));
	}

	private Counter decisions(String routeId, String outcome) {
		return Counter.builder(DECISIONS)
			.description("Rate-limit decisions by route and outcome")
			.tag("route", routeId)
			.tag("outcome", outcome)
			.register(registry);
	}

	/** Decision counters of one route. */
	public record RouteCounters(Counter allowed, Counter limited, Counter fallback) {
	}

}
