package io.tollgate.policy.ratelimit;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The limiter's decision counters, created once per route when its filter is built and
 * removed with the route. Redis latency and errors are the Redis layer's
 * {@code tollgate.redis.calls}.
 */
public final class RateLimitMetrics {

	public static final String DECISIONS = "tollgate.ratelimit.decisions";

	private final MeterRegistry registry;

	public RateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** The three decision counters of one route. */
	public RouteCounters forRoute(String routeId) {
		return new RouteCounters(decisions(routeId, "allowed"), decisions(routeId, "limited"),
				decisions(routeId, "fallback"));
	}

	/** Removes a route's counters (the route is gone). */
	void remove(String routeId) {
		for (String outcome : List.of("allowed", "limited", "fallback")) {
			Counter c = this.registry.find(DECISIONS).tag("route", routeId).tag("outcome", outcome).counter();
			if (c != null) {
				this.registry.remove(c);
			}
		}
	}

	private Counter decisions(String routeId, String outcome) {
		return Counter.builder(DECISIONS)
			.description("Rate-limit decisions by route and outcome")
			.tag("route", routeId)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	/** Decision counters of one route. */
	public record RouteCounters(Counter allowed, Counter limited, Counter fallback) {
	}

}
