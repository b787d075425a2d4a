package io.tollgate.policy.ratelimit;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Shows whether limits are shared through Redis or enforced by the fallback. Stays UP
 * while in fallback: the gateway keeps serving, so an orchestrator must not restart it
 * for a Redis outage.
 */
public final class RateLimitHealthIndicator implements HealthIndicator {

	private final StoreBreaker breaker;

	private final ReplicaHeartbeat heartbeat;

	public RateLimitHealthIndicator(StoreBreaker breaker, ReplicaHeartbeat heartbeat) {
		this.breaker = breaker;
		this.heartbeat = heartbeat;
	}

	@Override
	public Health health() {
		boolean shared = breaker.state() == StoreBreaker.State.CLOSED && breaker.consecutiveFailures() == 0;
		return Health.up()
			.withDetail("store", shared ? "redis" : "fallback")
			.withDetail("breaker", breaker.state().name())
			.withDetail("consecutiveFailures", breaker.consecutiveFailures())
			.withDetail("liveReplicas", heartbeat.liveReplicas())
			.withDetail("replicaId", heartbeat.replicaId())
			.build();
	}

}
