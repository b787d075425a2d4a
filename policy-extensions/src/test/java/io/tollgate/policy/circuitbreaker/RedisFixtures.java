package io.tollgate.policy.circuitbreaker;

import java.time.Duration;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import io.tollgate.testsupport.redis.RedisExtension;

/** Real Lettuce connections to a harness Redis, as the gateway would make them. */
final class RedisFixtures {

	private RedisFixtures() {
	}

	static LettuceConnectionFactory connect(RedisExtension redis) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = redis.isCluster()
				? new LettuceConnectionFactory(new RedisClusterConfiguration(redis.clusterNodes()), client)
				: new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static ReactiveStringRedisTemplate template(LettuceConnectionFactory factory) {
		return new ReactiveStringRedisTemplate(factory);
	}

}
