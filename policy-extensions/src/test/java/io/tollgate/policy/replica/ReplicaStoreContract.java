package io.tollgate.policy.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplicaStore} does; run on Redis (standalone, cluster) and in memory.
 */
abstract class ReplicaStoreContract {

	static final Duration T = Duration.ofSeconds(5);

	static final Duration EXPIRY = Duration.ofMillis(1000);

	abstract ReplicaStore store();

	/** Lets time pass on the store's clock. */
	abstract void advance(Duration by) throws InterruptedException;

	@Test
	void whenReplicasBeat_thenEachSeesEveryLiveReplicaWithItsAttributes() {
		store().beat("r1", Map.of("revision", "7"), EXPIRY).block(T);
		ReplicaView view = store().beat("r2", Map.of("revision", "9", "odd & key", "a=b&c"), EXPIRY).block(T);
		assertThat(view.replicas()).extracting(Replica::id).containsExactly("r1", "r2");
		assertThat(view.replicas().get(0).attributes()).containsExactly(Map.entry("revision", "7"));
		assertThat(view.replicas().get(1).attributes()).containsEntry("odd & key", "a=b&c");
		assertThat(view.nowMillis()).isGreaterThanOrEqualTo(view.replicas().get(1).lastSeenMillis());
	}

	@Test
	void whenAReplicaStopsBeating_thenItIsDroppedAfterTheExpiry() throws Exception {
		store().beat("r1", Map.of(), EXPIRY).block(T);
		store().beat("r2", Map.of(), EXPIRY).block(T);
		advance(Duration.ofMillis(600));
		store().beat("r1", Map.of(), EXPIRY).block(T);
		advance(Duration.ofMillis(600));
		// r2 was last seen 1.2 s ago
		assertThat(store().beat("r1", Map.of(), EXPIRY).block(T).replicas()).extracting(Replica::id)
			.containsExactly("r1");
	}

	@Test
	void whenAReplicaLeaves_thenOthersNoLongerSeeIt() {
		store().beat("r1", Map.of(), EXPIRY).block(T);
		store().beat("r2", Map.of(), EXPIRY).block(T);
		store().leave("r2").block(T);
		assertThat(store().beat("r1", Map.of(), EXPIRY).block(T).replicas()).extracting(Replica::id)
			.containsExactly("r1");
	}

}
