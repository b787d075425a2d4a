package io.tollgate.policy.replica;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

class RedisReplicaStoreStandaloneTest extends RedisReplicaStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
