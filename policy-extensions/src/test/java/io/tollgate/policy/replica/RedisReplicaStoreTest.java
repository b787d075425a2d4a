package io.tollgate.policy.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisKit;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The replica heartbeat script on a real Redis (see the standalone and cluster
 * subclasses).
 */
abstract class RedisReplicaStoreTest extends ReplicaStoreContract {

	RedisKit kit;

	RedisReplicaStore store;

	abstract RedisExtension redis();

	@BeforeEach
	void connect() {
		redis().flushAll();
		this.kit = RedisKit.on(redis()).start();
		this.store = new RedisReplicaStore(this.kit.calls("replica"), LuaScript.load("replica-heartbeat"));
	}

	@AfterEach
	void close() {
		this.kit.close();
	}

	@Override
	ReplicaStore store() {
		return this.store;
	}

	@Override
	void advance(Duration by) throws InterruptedException {
		Thread.sleep(by.toMillis());
	}

	@Test
	void whenBeating_thenBothKeysShareOneSlotAndExpireWhenEveryReplicaIsGone() {
		assertThat(SlotHash.getSlot(RedisReplicaStore.MEMBERS_KEY))
			.isEqualTo(SlotHash.getSlot(RedisReplicaStore.INFO_KEY));
		this.store.beat("r1", Map.of("a", "1"), Duration.ofSeconds(15)).block(T);
		Long ttl = this.kit.template.getExpire(RedisReplicaStore.MEMBERS_KEY).map(Duration::toMillis).block(T);
		assertThat(ttl).isBetween(1L, 15_000L);
	}

}
