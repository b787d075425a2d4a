package io.tollgate.policy.replica;

import java.time.Duration;
import java.util.Map;

import reactor.core.publisher.Mono;

/** Where replicas announce themselves and learn who else is live. */
public interface ReplicaStore {

	/**
	 * Records that this replica is live with these attributes, drops replicas not seen
	 * for {@code expiry}, and emits everyone still live.
	 */
	Mono<ReplicaView> beat(String replicaId, Map<String, String> attributes, Duration expiry);

	/** This replica is going away. */
	Mono<Void> leave(String replicaId);

}
