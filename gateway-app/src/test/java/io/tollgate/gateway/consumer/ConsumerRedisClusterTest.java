package io.tollgate.gateway.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer package's own Redis keys on Redis Cluster: usage read in one MGET of a
 * plan's limiter keys (one slot by their hash tag), and the last-used hash under
 * {@code {mgmt}}.
 */
class ConsumerRedisClusterTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void usageAndLastUseWorkOnACluster() throws Exception {
		GatewayInstance.Builder builder = GatewayInstance.builder()
			.redis(redis)
			.property("tollgate.api-keys.secret", UUID.randomUUID() + "-" + UUID.randomUUID());
		ConsumerIdentificationIntegrationTest.route(builder, 0, "limited", upstream.url(), "/limited/**", true,
				"limits", "3/1m", "key", "consumer", "budget", "plan:gold");
		ConsumerIdentificationIntegrationTest.route(builder, 1, "monthly", upstream.url(), "/monthly/**", true,
				"limits", "100/1mo", "key", "consumer", "budget", "plan:gold", "algorithm", "fixed-window");
		try (GatewayInstance gateway = builder.start()) {
			ManagedResources resources = new ManagedResources(gateway);
			resources.plan("gold", "{\"limits\":[\"3/1m\",\"100/1mo\"]}");
			resources.consumer("acme", "{\"plan\":\"gold\"}");
			IssuedKey key = gateway.bean(ApiKeyService.class).issue("acme", null, null, "tester", false).block();
			assertThat(ConsumerIdentificationIntegrationTest.status(gateway, "/limited/x", key.key())).isEqualTo(200);
			assertThat(ConsumerIdentificationIntegrationTest.status(gateway, "/limited/x", key.key())).isEqualTo(200);
			assertThat(ConsumerIdentificationIntegrationTest.status(gateway, "/monthly/x", key.key())).isEqualTo(200);

			ConsumerUsage usage = gateway.bean(UsageReader.class).usage("acme").block();
			assertThat(usage.limits()).extracting(ConsumerUsage.LimitUsage::used).containsExactly(2L, 1L);
			assertThat(usage.limits()).extracting(ConsumerUsage.LimitUsage::remaining).containsExactly(1L, 99L);

			ConsumerIdentificationIntegrationTest.await(Duration.ofSeconds(3),
					() -> hget(RedisLastUsedStore.KEY, key.id()) != null, "last use written to the cluster");
			assertThat(gateway.bean(ApiKeyService.class).list("acme").block().get(0).lastUsedAt()).isNotNull();
		}
	}

	/** HGET on whichever node holds the key. */
	static Object hget(String key, String field) {
		for (int port : redis.ports()) {
			try {
				Object value = redis.command(port, "HGET", key, field);
				if (value != null) {
					return value;
				}
			}
			catch (IOException ex) {
				// MOVED: another node owns the slot
			}
		}
		return null;
	}

}
