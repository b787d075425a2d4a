package io.tollgate.gateway.registry;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisChannels;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.TollgateRedisAutoConfiguration;
import io.tollgate.policy.replica.ReplicaAutoConfiguration;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * The management registry: the store (in Redis when Tollgate's Redis layer is there, in
 * memory otherwise), the audit chain, this replica's {@link ManagementState} built from
 * every {@link ResourceCodec} bean, and the {@link ManagementSync} that keeps it current.
 */
@AutoConfiguration(after = { TollgateRedisAutoConfiguration.class, ReplicaAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties(ManagementProperties.class)
public class ManagementConfiguration {

	/** Keyed by {@code tollgate.api-keys.secret} when it is set. */
	@Bean
	@ConditionalOnMissingBean
	AuditChain managementAuditChain(Environment environment) {
		return AuditChain.of(environment.getProperty("tollgate.api-keys.secret"));
	}

	@Bean
	@ConditionalOnMissingBean
	InvalidResources invalidResources(ObjectProvider<MeterRegistry> registry) {
		return new InvalidResources(registry.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	ManagementState managementState(ObjectProvider<ResourceCodec<?>> codecs, InvalidResources invalid) {
		List<ResourceCodec<?>> all = codecs.orderedStream().toList();
		Map<Kind, ResourceCodec<?>> byKind = new EnumMap<>(Kind.class);
		for (ResourceCodec<?> codec : all) {
			ResourceCodec<?> other = byKind.put(codec.kind(), codec);
			if (other != null) {
				throw new IllegalStateException("Two ResourceCodec beans read " + codec.kind().path() + ": "
						+ other.getClass().getName() + " and " + codec.getClass().getName());
			}
		}
		return new ManagementState(all, invalid);
	}

	/**
	 * Every {@link ManagementListener} bean hears each change, from the first load on.
	 */
	@Bean
	SmartInitializingSingleton managementListenerRegistration(ManagementState state,
			ObjectProvider<ManagementListener> listeners) {
		return () -> listeners.orderedStream().forEach(state::addListener);
	}

	@Bean
	@ConditionalOnMissingBean
	ManagementSync managementSync(ChangeFeed feed, ManagementState state, ManagementProperties properties,
			ObjectProvider<ReplicaHeartbeat> heartbeat) {
		properties.validate();
		String dir = properties.getSnapshotDir();
		ManagementSnapshotFile file = dir == null || dir.isBlank() ? null : ManagementSnapshotFile.in(dir.trim());
		return new ManagementSync(feed, state, file, heartbeat.getIfUnique(), properties.getResyncInterval());
	}

	// Conditions on bean methods rather than nested configuration classes: this package
	// is
	// component-scanned, and a nested class would be picked up as user configuration,
	// evaluated before the Redis layer's auto-configuration has registered its beans.

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtCommitScript() {
		return LuaScript.load("mgmt-commit");
	}

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtChangesScript() {
		return LuaScript.load("mgmt-changes");
	}

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtSnapshotScript() {
		return LuaScript.load("mgmt-snapshot");
	}

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtListScript() {
		return LuaScript.load("mgmt-list");
	}

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtFindScript() {
		return LuaScript.load("mgmt-find");
	}

	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	LuaScript mgmtAuditScript() {
		return LuaScript.load("mgmt-audit");
	}

	/** On Tollgate's Redis layer. */
	@Bean
	@ConditionalOnBean(RedisExecutor.class)
	@ConditionalOnMissingBean(ResourceStore.class)
	RedisManagementStore redisManagementStore(RedisExecutor executor, RedisChannels channels,
			@Qualifier("mgmtCommitScript") LuaScript commit, @Qualifier("mgmtChangesScript") LuaScript changes,
			@Qualifier("mgmtSnapshotScript") LuaScript snapshot, @Qualifier("mgmtListScript") LuaScript list,
			@Qualifier("mgmtFindScript") LuaScript find, @Qualifier("mgmtAuditScript") LuaScript audit,
			AuditChain chain, ManagementProperties properties) {
		properties.validate();
		return new RedisManagementStore(executor, channels,
				new RedisManagementStore.Scripts(commit, changes, snapshot, list, find, audit), chain,
				Clock.systemUTC(),
				RedisManagementStore.Settings.of(properties.getFeedLength(), properties.getAuditLength()));
	}

	/** Without Redis: one process's store. */
	@Bean
	@ConditionalOnMissingBean({ ResourceStore.class, RedisExecutor.class })
	InMemoryManagementStore inMemoryManagementStore(AuditChain chain, ManagementProperties properties) {
		properties.validate();
		return new InMemoryManagementStore(Clock.systemUTC(), chain, properties.getAuditLength());
	}

}
