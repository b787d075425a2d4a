package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.Delay;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Redis client behaviour for a gateway: commands fail at once while disconnected instead
 * of queueing (a dead Redis must not stall requests), and a time-bounded {@code redis}
 * health component.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class,
		before = DataRedisReactiveHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, ClientOptions.class })
@EnableConfigurationProperties(RedisHealthProperties.class)
public class TollgateRedisAutoConfiguration {

	/** Reconnect quickly after an outage (Lettuce's default backoff grows to 30 s). */
	@Bean
	ClientResourcesBuilderCustomizer tollgateLettuceReconnectDelay() {
		return builder -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
	}

	@Bean
	LettuceClientOptionsBuilderCustomizer tollgateLettuceClientOptions() {
		return builder -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true)
			.socketOptions(SocketOptions.builder().keepAlive(true).build());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	static class Probe {

		@Bean
		@ConditionalOnMissingBean
		RedisProbe tollgateRedisProbe(ReactiveRedisConnectionFactory connectionFactory,
				RedisHealthProperties properties) {
			return new RedisProbe(connectionFactory, properties.getHealthTimeout(), properties.getProbeInterval());
		}

		@Bean(name = "redisHealthContributor")
		@ConditionalOnClass(ReactiveHealthIndicator.class)
		@ConditionalOnMissingBean(name = "redisHealthContributor")
		ReactiveHealthIndicator redisHealthContributor(RedisProbe probe) {
			return new RedisPingHealthIndicator(probe);
		}

	}

}
