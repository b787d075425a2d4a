package io.tollgate.policy.replica;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

class RedisReplicaStoreClusterTest extends RedisReplicaStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
