package io.tollgate.gateway.registry;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.testsupport.redis.RedisExtension;

class RedisManagementStoreStandaloneTest extends RedisManagementStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Override
	RedisExtension redis() {
		return redis;
	}

}
