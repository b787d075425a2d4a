package io.tollgate.policy.circuitbreaker;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.DispatcherHandler;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisChannels;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.TollgateRedisAutoConfiguration;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * Shared circuit breakers: the {@code SharedCircuitBreaker} filter, its Redis store and
 * sync, metrics, health and endpoint.
 */
@AutoConfiguration(after = TollgateRedisAutoConfiguration.class, before = GatewayAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(GatewayAutoConfiguration.class)
@ConditionalOnBean(RedisExecutor.class)
@EnableConfigurationProperties(CircuitBreakerProperties.class)
public class CircuitBreakerAutoConfiguration {

	@Bean
	LuaScript breakerRecordScript() {
		return LuaScript.load("breaker-record");
	}

	@Bean
	LuaScript breakerAcquireScript() {
		return LuaScript.load("breaker-acquire");
	}

	@Bean
	LuaScript breakerTrialScript() {
		return LuaScript.load("breaker-trial");
	}

	@Bean
	LuaScript breakerStateScript() {
		return LuaScript.load("breaker-state");
	}

	@Bean
	LuaScript breakerForceScript() {
		return LuaScript.load("breaker-force");
	}

	@Bean
	@ConditionalOnMissingBean
	BreakerStore breakerStore(RedisExecutor executor, RedisChannels channels, CircuitBreakerProperties properties,
			@Qualifier("breakerRecordScript") LuaScript record, @Qualifier("breakerAcquireScript") LuaScript acquire,
			@Qualifier("breakerTrialScript") LuaScript trial, @Qualifier("breakerStateScript") LuaScript state,
			@Qualifier("breakerForceScript") LuaScript force) {
		CircuitBreakerProperties.Sync sync = properties.getCircuitBreakerSync();
		sync.validate();
		return new RedisBreakerStore(executor.calls("circuitbreaker"), channels, sync.getChannel(),
				new RedisBreakerStore.Scripts(record, acquire, trial, state, force));
	}

	@Bean
	@ConditionalOnMissingBean
	BreakerMetrics breakerMetrics(ObjectProvider<MeterRegistry> registry) {
		return new BreakerMetrics(registry.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	SharedCircuitBreakers sharedCircuitBreakers(BreakerStore store, CircuitBreakerProperties properties,
			BreakerMetrics metrics) {
		validateNamed(properties);
		return new SharedCircuitBreakers(store, properties.getCircuitBreakerSync(), metrics, Clock.systemUTC());
	}

	/** Named breakers are checked at startup, even those no route uses yet. */
	private static void validateNamed(CircuitBreakerProperties properties) {
		properties.getCircuitBreakers().forEach((name, named) -> {
			try {
				BreakerSettings.resolve(name, named, new BreakerProperties());
			}
			catch (IllegalArgumentException ex) {
				throw TollgateConfigurationException.property("tollgate.circuit-breakers." + name, ex.getMessage());
			}
		});
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
