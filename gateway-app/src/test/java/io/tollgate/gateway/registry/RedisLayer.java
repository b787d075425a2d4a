package io.tollgate.gateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import io.tollgate.policy.redis.RedisChannels;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.RedisStoreLifecycle;
import io.tollgate.policy.redis.RedisStoreProperties;
import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * Tollgate's Redis layer on a real Redis (standalone or cluster), built as the
 * auto-configuration builds it with the shipped {@code tollgate.redis.*} defaults, with
 * the management scripts loaded: for tests of the store and the sync without a gateway.
 */
final class RedisLayer implements AutoCloseable {

	final LettuceConnectionFactory factory;

	final ReactiveStringRedisTemplate template;

	final RedisExecutor executor;

	final RedisChannels channels;

	final RedisManagementStore.Scripts scripts = RedisManagementStore.Scripts.load();

	private final ClientResources resources;

	private final RedisStoreLifecycle lifecycle;

	private RedisLayer(RedisExtension redis) {
		RedisStoreProperties properties = new RedisStoreProperties();
		this.resources = ClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.build();
		ClientOptions options = redis.isCluster()
				? ClusterClientOptions.builder()
					.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
					.autoReconnect(true)
					.build()
				: ClientOptions.builder()
					.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
					.autoReconnect(true)
					.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.clientOptions(options)
			.clientResources(this.resources)
			.build();
		this.factory = redis.isCluster()
				? new LettuceConnectionFactory(new RedisClusterConfiguration(redis.clusterNodes()), client)
				: new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()), client);
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.template = new ReactiveStringRedisTemplate(this.factory);
		StoreBreaker breaker = new StoreBreaker(properties.getFailureThreshold());
		this.executor = new RedisExecutor(this.template, breaker, properties.getTimeout(), null);
		this.channels = new RedisChannels(this.factory);
		this.lifecycle = new RedisStoreLifecycle(this.executor, this.scripts.all(), List.of(),
				properties.getProbeInterval());
		this.lifecycle.start();
	}

	static RedisLayer on(RedisExtension redis) {
		return new RedisLayer(redis.startNow());
	}

	/** A store on this layer, warmed up as the application warms it before traffic. */
	RedisManagementStore store(AuditChain chain, RedisManagementStore.Settings settings) {
		RedisManagementStore store = new RedisManagementStore(this.executor, this.channels, this.scripts, chain,
				Clock.systemUTC(), settings);
		store.warmUp().block(Duration.ofSeconds(10));
		return store;
	}

	RedisManagementStore store() {
		return store(AuditChain.of("s3cret"), RedisManagementStore.Settings.of(10_000, 1000));
	}

	@Override
	public void close() {
		this.lifecycle.stop();
		this.factory.destroy();
		this.resources.shutdown(0, 1, TimeUnit.SECONDS);
	}

}
