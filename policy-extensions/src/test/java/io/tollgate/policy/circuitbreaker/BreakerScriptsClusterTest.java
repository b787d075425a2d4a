package io.tollgate.policy.circuitbreaker;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * Same scripts on a 3-master Redis Cluster: one hash tag per breaker keeps each script on
 * one slot.
 */
class BreakerScriptsClusterTest extends BreakerScriptsTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
