package io.tollgate.policy.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The {@code redis} health component: a PING bounded by
 * {@code tollgate.redis.health-timeout}, so {@code /actuator/health} answers quickly even
 * while Redis is down or blackholed.
 */
public final class RedisPingHealthIndicator implements ReactiveHealthIndicator {

	private final RedisProbe probe;

	public RedisPingHealthIndicator(RedisProbe probe) {
		this.probe = probe;
	}

	@Override
	public Mono<Health> health() {
		return probe.ping()
			.map(reply -> Health.up().withDetail("ping", reply).build())
			.onErrorResume(ex -> Mono.just(Health.down().withDetail("error", OutageLog.describe(ex)).build()));
	}

}
