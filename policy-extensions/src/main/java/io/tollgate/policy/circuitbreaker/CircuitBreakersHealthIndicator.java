package io.tollgate.policy.circuitbreaker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code circuitBreakers} health component. It stays UP while breakers are open: an
 * open breaker means an upstream is sick, not this gateway, and taking replicas out of
 * rotation would not help.
 */
public class CircuitBreakersHealthIndicator implements HealthIndicator {

	private final SharedCircuitBreakers breakers;

	public CircuitBreakersHealthIndicator(SharedCircuitBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public Health health() {
		Map<String, Object> details = new LinkedHashMap<>();
		for (SharedCircuitBreaker b : breakers.all()) {
			details.put(b.name(), Map.of("state", b.sharedState().name(), "localState", b.localState().name(), "shared",
					b.isShared()));
		}
		return Health.up().withDetails(details).build();
	}

}
