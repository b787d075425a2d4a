package io.tollgate.policy.ratelimit;

import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.policy.net.TrustedProxies;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Wires the {@code ClusterRateLimit} filter: Redis store, breaker, local fallback,
 * heartbeat, metrics, health.
 */
@AutoConfiguration(after = DataRedisReactiveAutoConfiguration.class,
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.tollgate.policy.net.NetAutoConfiguration" })
@ConditionalOnClass({ AbstractGatewayFilterFactory.class, ReactiveStringRedisTemplate.class })
@ConditionalOnBean(ReactiveStringRedisTemplate.class)
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimitAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RateLimitMetrics rateLimitMetrics(ObjectProvider<MeterRegistry> registry) {
		return new RateLimitMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	LiveReplicas rateLimitLiveReplicas() {
		return new LiveReplicas();
	}

	@Bean
	StoreBreaker rateLimitStoreBreaker(RateLimitProperties properties) {
		properties.validate();
		return StoreBreaker.awaitingFirstSuccess(properties.getFailureThreshold(), properties.getBackoff());
	}

	@Bean
	LocalRateLimitStore localRateLimitStore(LiveReplicas replicas, RateLimitProperties properties) {
		return new LocalRateLimitStore(replicas, properties.getLocalMaxKeys());
	}

	@Bean
	FailoverRateLimitStore clusterRateLimitStore(ReactiveStringRedisTemplate redis, LocalRateLimitStore local,
			StoreBreaker breaker, RateLimitProperties properties, RateLimitMetrics metrics) {
		return new FailoverRateLimitStore(new RedisRateLimitStore(redis), local, breaker, properties.getTimeout(),
				metrics);
	}

	@Bean
	ReplicaHeartbeat rateLimitReplicaHeartbeat(ReactiveStringRedisTemplate redis, FailoverRateLimitStore store,
			LiveReplicas replicas, RateLimitProperties properties) {
		String id = properties.getReplicaId() == null || properties.getReplicaId().isBlank()
				? UUID.randomUUID().toString() : properties.getReplicaId();
		return new ReplicaHeartbeat(redis, store, replicas, id, properties.getHeartbeatInterval(),
				properties.getHeartbeatExpiry(), properties.getTimeout());
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
