package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * Tollgate's Redis layer around a real Redis, built as the auto-configuration builds it
 * (Lettuce rejecting commands while disconnected and reconnecting fast; the shipped
 * {@code tollgate.redis.*} defaults unless a test says otherwise), for tests of the layer
 * and of the features on it.
 */
public final class RedisKit implements AutoCloseable {

	public final LettuceConnectionFactory factory;

	public final ReactiveStringRedisTemplate template;

	public final StoreBreaker breaker;

	public final RedisExecutor executor;

	public final RedisChannels channels;

	public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ClientResources resources;

	private final RedisStoreProperties properties;

	private RedisStoreLifecycle lifecycle;

	private RedisKit(boolean cluster, List<String> nodes, String host, int port, RedisStoreProperties properties) {
		this.properties = properties;
		this.resources = ClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.build();
		ClientOptions options = cluster
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
		this.factory = cluster ? new LettuceConnectionFactory(new RedisClusterConfiguration(nodes), client)
				: new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port), client);
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.template = new ReactiveStringRedisTemplate(this.factory);
		this.breaker = new StoreBreaker(properties.getFailureThreshold());
		this.executor = new RedisExecutor(this.template, this.breaker, properties.getTimeout(), this.meters);
		this.channels = new RedisChannels(this.factory);
	}

	/**
	 * The layer with the shipped defaults, on the harness Redis (standalone or cluster).
	 */
	public static RedisKit on(RedisExtension redis) {
		return on(redis, new RedisStoreProperties());
	}

	public static RedisKit on(RedisExtension redis, RedisStoreProperties properties) {
		return redis.isCluster() ? new RedisKit(true, redis.clusterNodes(), null, 0, properties)
				: new RedisKit(false, List.of(), redis.host(), redis.port(), properties);
	}

	/**
	 * The layer with the shipped defaults on one address (for example a
	 * {@code TcpProxy}).
	 */
	public static RedisKit on(String host, int port) {
		return new RedisKit(false, List.of(), host, port, new RedisStoreProperties());
	}

	public RedisCalls calls(String feature) {
		return this.executor.calls(feature);
	}

	/**
	 * Starts the probe and warm-up lifecycle, as the application does before taking
	 * traffic.
	 */
	public RedisKit start(List<LuaScript> scripts, List<RedisWarmup> warmups) {
		this.lifecycle = new RedisStoreLifecycle(this.executor, scripts, warmups, this.properties.getProbeInterval());
		this.lifecycle.start();
		return this;
	}

	public RedisKit start() {
		return start(List.of(), List.of());
	}

	public RedisStoreLifecycle lifecycle() {
		return this.lifecycle;
	}

	@Override
	public void close() {
		if (this.lifecycle != null) {
			this.lifecycle.stop();
		}
		this.factory.destroy();
		this.resources.shutdown(0, 1, TimeUnit.SECONDS);
	}

}
