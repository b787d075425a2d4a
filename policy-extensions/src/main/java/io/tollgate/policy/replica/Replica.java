package io.tollgate.policy.replica;

import java.util.Map;

/**
 * One live gateway replica as its heartbeat reports it.
 *
 * @param id the replica's id ({@code tollgate.replica.id})
 * @param lastSeenMillis when its last heartbeat arrived, on the store's clock
 * @param attributes what the replica reports about itself (for example the configuration
 * revision it has applied)
 */
public record Replica(String id, long lastSeenMillis, Map<String, String> attributes) {

	public Replica {
		attributes = Map.copyOf(attributes);
	}

}
