package io.tollgate.policy.circuitbreaker;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

class RedisBreakerStoreStandaloneTest extends RedisBreakerStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
