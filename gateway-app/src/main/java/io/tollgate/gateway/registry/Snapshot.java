package io.tollgate.gateway.registry;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every managed resource at one revision.
 *
 * @param revision the global revision the resources are at
 * @param resources per kind, ordered by id
 */
public record Snapshot(long revision, Map<Kind, List<StoredResource>> resources) {

	public Snapshot {
		Map<Kind, List<StoredResource>> copy = new EnumMap<>(Kind.class);
		for (Kind k : Kind.values()) {
			copy.put(k, List.copyOf(resources.getOrDefault(k, List.of())));
		}
		resources = Map.copyOf(copy);
	}

	public List<StoredResource> of(Kind kind) {
		return this.resources.get(kind);
	}

}
