package io.tollgate.gateway.ratelimit;

import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The suite on three replicas sharing a 3-master Redis Cluster. */
class ClusterRateLimitRedisClusterTest extends ClusterRateLimitSuite {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Override
	RedisExtension redis() {
		return redis;
	}

	@Override
	TestIdentityProvider idp() {
		return idp;
	}

	@Override
	TestUpstream upstream() {
		return upstream;
	}

}
