package io.tollgate.policy.ratelimit;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tollgate.policy.net.TrustedProxies;
import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.policy.redis.TollgateRedisAutoConfiguration;
import io.tollgate.policy.replica.ReplicaAutoConfiguration;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * Wires the {@code ClusterRateLimit} filter on the Redis layer: store, local fallback,
 * metrics, health, endpoint.
 */
@AutoConfiguration(after = { TollgateRedisAutoConfiguration.class, ReplicaAutoConfiguration.class },
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.tollgate.policy.net.NetAutoConfiguration" })
@ConditionalOnClass(AbstractGatewayFilterFactory.class)
@ConditionalOnBean({ RedisExecutor.class, ReplicaHeartbeat.class })
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimitAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RateLimitMetrics rateLimitMetrics(ObjectProvider<MeterRegistry> registry) {
		return new RateLimitMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	LuaScript rateLimitScript() {
		return LuaScript.load("ratelimit");
	}

	@Bean
	RedisRateLimitStore redisRateLimitStore(RedisExecutor executor, @Qualifier("rateLimitScript") LuaScript script) {
		return new RedisRateLimitStore(executor.requestCalls("ratelimit"), script, Clock.systemUTC());
	}

	@Bean
	LocalRateLimitStore localRateLimitStore(ReplicaHeartbeat heartbeat, RateLimitProperties properties) {
		properties.validate();
		return new LocalRateLimitStore(heartbeat::liveReplicas, properties.getLocalMaxKeys());
	}

	@Bean
	FailoverRateLimitStore clusterRateLimitStore(RedisRateLimitStore shared, LocalRateLimitStore local,
			RedisExecutor executor) {
		return new FailoverRateLimitStore(shared, local, executor.breaker());
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterRateLimitGatewayFilterFactory clusterRateLimitGatewayFilterFactory(FailoverRateLimitStore store,
			ObjectProvider<TrustedProxies> proxies, RateLimitMetrics metrics) {
		return new ClusterRateLimitGatewayFilterFactory(store, proxies.getIfAvailable(TrustedProxies::none), metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	RateLimitEndpoint rateLimitEndpoint(StoreBreaker breaker, ReplicaHeartbeat heartbeat,
			ClusterRateLimitGatewayFilterFactory factory) {
		return new RateLimitEndpoint(breaker, heartbeat, factory);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class Health {

		@Bean
		@ConditionalOnMissingBean(name = "clusterRateLimitHealthIndicator")
		RateLimitHealthIndicator clusterRateLimitHealthIndicator(StoreBreaker breaker, ReplicaHeartbeat heartbeat) {
			return new RateLimitHealthIndicator(breaker, heartbeat);
		}

	}

}
