package io.tollgate.policy.replica;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import reactor.core.publisher.Mono;

/** Replicas of one process (tests, or a gateway without Redis), on an injected clock. */
public final class InMemoryReplicaStore implements ReplicaStore {

	private final Clock clock;

	private final Map<String, Replica> replicas = new ConcurrentSkipListMap<>();

	public InMemoryReplicaStore(Clock clock) {
		this.clock = clock;
	}

	@Override
	public Mono<ReplicaView> beat(String replicaId, Map<String, String> attributes, Duration expiry) {
		return Mono.fromSupplier(() -> {
			long now = this.clock.millis();
			this.replicas.put(replicaId, new Replica(replicaId, now, attributes));
			this.replicas.values().removeIf(r -> r.lastSeenMillis() < now - expiry.toMillis());
			List<Replica> live = new ArrayList<>(this.replicas.values());
			return new ReplicaView(now, live);
		});
	}

	@Override
	public Mono<Void> leave(String replicaId) {
		return Mono.fromRunnable(() -> this.replicas.remove(replicaId));
	}

}
