package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Tollgate's one Redis layer: Lettuce set up for a gateway (commands fail at once while
 * disconnected instead of queueing; reconnect within a second), the one
 * {@link StoreBreaker}, the {@link RedisExecutor} every feature calls through, pub/sub,
 * the probe and warm-up lifecycle, the {@code redis} health component and the
 * {@code tollgate.redis.available} gauge.
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class },
		before = DataRedisReactiveHealthContributorAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, ClientOptions.class })
@EnableConfigurationProperties(RedisStoreProperties.class)
public class TollgateRedisAutoConfiguration {

	/** Lettuce's I/O threads, shut down after its resources (see the class). */
	@Bean
	@ConditionalOnMissingBean
	LettuceEventLoops tollgateLettuceEventLoops() {
		return new LettuceEventLoops(DefaultClientResources.DEFAULT_IO_THREADS);
	}

	/**
	 * Spring Boot wraps every Lettuce command for observation whenever an observation
	 * registry exists; with {@code management.observations.enable.lettuce=false}
	 * (Tollgate's default) the observations are no-ops but every command still pays for
	 * the wrapper.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	ClientResourcesBuilderCustomizer tollgateLettuceTracing(Environment environment) {
		boolean observed = environment.getProperty("management.observations.enable.lettuce", Boolean.class, true);
		return builder -> {
			if (!observed) {
				builder.tracing(Tracing.disabled());
			}
		};
	}

	/**
	 * Reconnect quickly after an outage (Lettuce's default backoff grows to 30 s); event
	 * loops that outlive the clients, so stopping while Redis is down logs nothing.
	 */
	@Bean
	ClientResourcesBuilderCustomizer tollgateLettuceClientResources(LettuceEventLoops eventLoops) {
		return builder -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.eventLoopGroupProvider(eventLoops);
	}

	/**
	 * Commands fail at once while disconnected instead of queueing. The socket options
	 * replace Spring Boot's, so they carry {@code spring.data.redis.connect-timeout}
	 * again.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer tollgateLettuceClientOptions(ObjectProvider<DataRedisProperties> redis) {
		DataRedisProperties properties = redis.getIfAvailable();
		Duration connectTimeout = properties == null ? null : properties.getConnectTimeout();
		SocketOptions.Builder socket = SocketOptions.builder().keepAlive(true);
		if (connectTimeout != null) {
			socket.connectTimeout(connectTimeout);
		}
		SocketOptions socketOptions = socket.build();
		return builder -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true)
			.socketOptions(socketOptions);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean({ ReactiveRedisConnectionFactory.class, ReactiveStringRedisTemplate.class })
	static class Store {

		@Bean
		@ConditionalOnMissingBean
		StoreBreaker tollgateStoreBreaker(RedisStoreProperties properties) {
			properties.validate();
			return new StoreBreaker(properties.getFailureThreshold());
		}

		@Bean
		@ConditionalOnMissingBean
		RedisExecutor tollgateRedisExecutor(ReactiveStringRedisTemplate redis, StoreBreaker breaker,
				RedisStoreProperties properties, ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meters = registry.getIfUnique();
			if (meters != null) {
				Gauge.builder("tollgate.redis.available", breaker, b -> b.isClosed() ? 1 : 0)
					.description("1 while Tollgate uses Redis, 0 while policies use their fallbacks")
					.register(meters);
			}
			return new RedisExecutor(redis, breaker, properties.getTimeout(), meters);
		}

		@Bean
		@ConditionalOnMissingBean
		RedisChannels tollgateRedisChannels(ReactiveRedisConnectionFactory connectionFactory) {
			return new RedisChannels(connectionFactory);
		}

		@Bean
		@ConditionalOnMissingBean
		RedisStoreLifecycle tollgateRedisStoreLifecycle(RedisExecutor executor, ObjectProvider<LuaScript> scripts,
				ObjectProvider<RedisWarmup> warmups, RedisStoreProperties properties) {
			return new RedisStoreLifecycle(executor, scripts.orderedStream().toList(), warmups.orderedStream().toList(),
					properties.getProbeInterval());
		}

		@Bean(name = "redisHealthContributor")
		@ConditionalOnClass(ReactiveHealthIndicator.class)
		@ConditionalOnMissingBean(name = "redisHealthContributor")
		ReactiveHealthIndicator redisHealthContributor(RedisStoreLifecycle lifecycle, StoreBreaker breaker) {
			return new RedisStoreHealthIndicator(lifecycle, breaker);
		}

	}

}
