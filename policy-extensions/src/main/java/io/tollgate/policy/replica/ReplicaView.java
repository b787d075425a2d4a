package io.tollgate.policy.replica;

import java.util.List;

/**
 * The live replicas as one heartbeat saw them.
 *
 * @param nowMillis the store's clock when it answered
 * @param replicas every live replica, the caller included
 */
public record ReplicaView(long nowMillis, List<Replica> replicas) {

	public static final ReplicaView NONE = new ReplicaView(0, List.of());

	public ReplicaView {
		replicas = List.copyOf(replicas);
	}

}
