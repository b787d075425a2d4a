package io.tollgate.policy.replica;

import java.util.UUID;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.TollgateRedisAutoConfiguration;

/** The replica heartbeat on Tollgate's Redis layer. */
@AutoConfiguration(after = TollgateRedisAutoConfiguration.class)
@ConditionalOnBean(RedisExecutor.class)
@EnableConfigurationProperties(ReplicaProperties.class)
public class ReplicaAutoConfiguration {

	@Bean
	LuaScript replicaHeartbeatScript() {
		return LuaScript.load("replica-heartbeat");
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaStore replicaStore(RedisExecutor executor, @Qualifier("replicaHeartbeatScript") LuaScript script) {
		return new RedisReplicaStore(executor.calls("replica"), script);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaHeartbeat replicaHeartbeat(ReplicaStore store, ReplicaProperties properties) {
		properties.validate();
		String id = properties.getId() == null || properties.getId().isBlank() ? UUID.randomUUID().toString()
				: properties.getId().trim();
		return new ReplicaHeartbeat(store, id, properties.getHeartbeatInterval(), properties.getHeartbeatExpiry());
	}

}
