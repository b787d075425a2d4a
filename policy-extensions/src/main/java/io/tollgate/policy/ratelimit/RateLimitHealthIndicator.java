package io.tollgate.policy.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.policy.replica.ReplicaHeartbeat;

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
		return Health.up().withDetails(details(this.breaker, this.heartbeat)).build();
	}

	/** What both the health component and the endpoint show about the store. */
	static Map<String, Object> details(StoreBreaker breaker, ReplicaHeartbeat heartbeat) {
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("store", breaker.isClosed() ? "redis" : "fallback");
		d.put("breaker", breaker.state().name());
		d.put("consecutiveFailures", breaker.consecutiveFailures());
		d.put("liveReplicas", heartbeat.liveReplicas());
		d.put("replicaId", heartbeat.replicaId());
		return d;
	}

}
