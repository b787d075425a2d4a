package io.tollgate.policy.redis;

import reactor.core.publisher.Mono;

/**
 * Something a feature runs once Redis is first reached and before traffic is taken (for
 * example one call of its script), so the first requests of a fresh replica do not pay
 * for loading classes and scripts.
 */
@FunctionalInterface
public interface RedisWarmup {

	Mono<Void> warmUp();

}
