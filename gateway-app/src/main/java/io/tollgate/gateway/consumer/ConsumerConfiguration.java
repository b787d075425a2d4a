package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.policy.auth.CallerAuthentication;
import io.tollgate.policy.redis.RedisExecutor;

/**
 * Plans, consumers and API keys: their codecs (used by the Admin API and the replica
 * sync), key checking and consumer identification on every request, last-used tracking,
 * and the services the Admin API calls. Uses the registry's store and view when they
 * exist; a gateway without them still starts (no consumer is identified, key operations
 * answer 503).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeysProperties.class)
public class ConsumerConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ConsumerConfiguration.class);

	private static final String REDIS_FEATURE = "consumer";

	@Bean
	PlanCodec planCodec() {
		return new PlanCodec();
	}

	@Bean
	ConsumerCodec consumerCodec() {
		return new ConsumerCodec();
	}

	@Bean
	ApiKeyRecordCodec apiKeyRecordCodec() {
		return new ApiKeyRecordCodec();
	}

	@Bean
	ApiKeyHasher apiKeyHasher(ApiKeysProperties properties) {
		properties.validate();
		String secret = properties.validatedSecret();
		if (secret == null) {
			log.info("API keys are disabled: {} is not set. Every X-API-Key is refused with 401 and the Admin API's "
					+ "key endpoints answer 503", ApiKeysProperties.SECRET_PROPERTY);
		}
		return new ApiKeyHasher(secret);
	}

	/** Consumers' API keys authenticate callers on routes that are not public. */
	@Bean
	CallerAuthentication apiKeyCallerAuthentication(ApiKeyHasher hasher) {
		return new CallerAuthentication() {
			@Override
			public boolean enabled() {
				return hasher.available();
			}

			@Override
			public String howToEnable() {
				return "set " + ApiKeysProperties.SECRET_PROPERTY
						+ " so that consumers' API keys (X-API-Key) authenticate callers";
			}
		};
	}

	@Bean
	ManagementAccess consumerManagementAccess(ObjectProvider<ManagementView> views,
			ObjectProvider<ResourceStore> stores, ObjectProvider<ManagementState> states,
			ObjectProvider<ViewListener> listeners) {
		return new ManagementAccess(views, stores, states, listeners);
	}

	@Bean
	ClientIdIndex consumerClientIdIndex() {
		return new ClientIdIndex();
	}

	@Bean
	ApiKeyLookup apiKeyLookup(ApiKeyHasher hasher, ApiKeyRecordCodec codec, ManagementAccess access,
			ApiKeysProperties properties, ObjectProvider<MeterRegistry> registry) {
		return new ApiKeyLookup(hasher, codec, access, properties, Clock.systemUTC(), registry.getIfUnique());
	}

	@Bean
	LastUsedStore apiKeyLastUsedStore(ObjectProvider<RedisExecutor> redis) {
		RedisExecutor executor = redis.getIfUnique();
		return executor == null ? new InMemoryLastUsedStore() : new RedisLastUsedStore(executor.calls(REDIS_FEATURE));
	}

	@Bean
	LastUsedTracker apiKeyLastUsedTracker(LastUsedStore store, ApiKeysProperties properties) {
		return new LastUsedTracker(store, Clock.systemUTC(), properties.getLastUsedInterval());
	}

	@Bean
	ConsumerIdentificationWebFilter consumerIdentificationWebFilter(ApiKeyLookup lookup, ClientIdIndex clientIds,
			LastUsedTracker lastUsed) {
		return new ConsumerIdentificationWebFilter(lookup, clientIds, lastUsed);
	}

	@Bean
	ConsumerKeys consumerKeys(ManagementAccess access, ApiKeyRecordCodec codec) {
		return new ConsumerKeys(access, codec);
	}

	@Bean
	ApiKeyService apiKeyService(ApiKeyHasher hasher, ApiKeyRecordCodec codec, ManagementAccess access,
			ConsumerKeys keys, LastUsedTracker lastUsed, LastUsedStore lastUsedStore) {
		SecureRandom random = new SecureRandom();
		return new DefaultApiKeyService(hasher, new ApiKeyFormat(random), codec, access, keys, lastUsed, lastUsedStore,
				Clock.systemUTC(), random);
	}

	@Bean
	PlanResolver planResolver(ManagementAccess access) {
		return new ViewPlanResolver(access);
	}

	@Bean
	UsageReader usageReader(ManagementAccess access, PlanResolver plans, ObjectProvider<RedisExecutor> redis) {
		RedisExecutor executor = redis.getIfUnique();
		return new RedisUsageReader(access, plans, executor == null ? null : executor.calls(REDIS_FEATURE),
				Clock.systemUTC());
	}

	@Bean
	PlanReferences planReferences(ManagementAccess access, ConsumerCodec codec) {
		return new PlanReferences(access, codec);
	}

}
