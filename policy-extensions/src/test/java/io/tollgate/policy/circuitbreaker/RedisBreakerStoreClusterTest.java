package io.tollgate.policy.circuitbreaker;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

class RedisBreakerStoreClusterTest extends RedisBreakerStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
