package io.tollgate.policy.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The {@code redis} health component: a PING bounded by {@code tollgate.redis.timeout}
 * (so {@code /actuator/health} answers quickly even while Redis is down or blackholed),
 * with the store breaker's state in the details. The PING also feeds the breaker, like
 * the background probe.
 */
public final class RedisStoreHealthIndicator implements ReactiveHealthIndicator {

	private final RedisStoreLifecycle lifecycle;

	private final StoreBreaker breaker;

	public RedisStoreHealthIndicator(RedisStoreLifecycle lifecycle, StoreBreaker breaker) {
		this.lifecycle = lifecycle;
		this.breaker = breaker;
	}

	@Override
	public Mono<Health> health() {
		return this.lifecycle.probe()
			.map(reply -> Health.up()
				.withDetail("ping", reply)
				.withDetail("store", this.breaker.state().name())
				.build())
			.onErrorResume(error -> Mono.just(Health.down()
				.withDetail("error", OutageLog.describe(error))
				.withDetail("store", this.breaker.state().name())
				.build()));
	}

}
