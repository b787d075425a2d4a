package io.tollgate.policy.circuitbreaker;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * Shared circuit breakers: the {@code SharedCircuitBreaker} filter, its Redis sync,
 * metrics, health and endpoint.
 */
@AutoConfiguration(after = DataRedisReactiveAutoConfiguration.class, before = GatewayAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ GatewayAutoConfiguration.class, ReactiveStringRedisTemplate.class })
@ConditionalOnBean(ReactiveStringRedisTemplate.class)
@EnableConfigurationProperties(CircuitBreakerProperties.class)
public class CircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BreakerStore breakerStore(ReactiveStringRedisTemplate redis, CircuitBreakerProperties properties) {
		CircuitBreakerProperties.Sync sync = properties.getCircuitBreakerSync();
		sync.validate();
		return new BreakerStore(redis, sync.getChannel(), sync.getRedisTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	BreakerMetrics breakerMetrics(ObjectProvider<MeterRegistry> registry) {
		return new BreakerMetrics(registry.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	SharedCircuitBreakers sharedCircuitBreakers(BreakerStore store, ReactiveRedisConnectionFactory connectionFactory,
			CircuitBreakerProperties properties, BreakerMetrics metrics) {
		validateNamed(properties);
		return new SharedCircuitBreakers(store, connectionFactory, properties.getCircuitBreakerSync(),
				metrics::register);
	}

	/** Named breakers are checked at startup, even those no route uses yet. */
	private static void validateNamed(CircuitBreakerProperties properties) {
		properties.getCircuitBreakers()
			.forEach((name, named) -> BreakerSettings.resolve(name, named, new BreakerProperties()));
	}

	@Bean
	@ConditionalOnMissingBean
	SharedCircuitBreakerGatewayFilterFactory sharedCircuitBreakerGatewayFilterFactory(SharedCircuitBreakers breakers,
			CircuitBreakerProperties properties, ObjectProvider<DispatcherHandler> dispatcher, BreakerMetrics metrics) {
		return new SharedCircuitBreakerGatewayFilterFactory(breakers, properties, dispatcher, metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	CircuitBreakersEndpoint circuitBreakersEndpoint(SharedCircuitBreakers breakers) {
		return new CircuitBreakersEndpoint(breakers);
	}

	@Bean(name = "circuitBreakersHealthIndicator")
	@ConditionalOnMissingBean(name = "circuitBreakersHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("circuitbreakers")
	CircuitBreakersHealthIndicator circuitBreakersHealthIndicator(SharedCircuitBreakers breakers) {
		return new CircuitBreakersHealthIndicator(breakers);
	}

}
