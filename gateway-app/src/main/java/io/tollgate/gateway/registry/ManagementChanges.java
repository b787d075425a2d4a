package io.tollgate.gateway.registry;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What one application of changes did to a replica's {@link ManagementView}.
 *
 * @param revision the revision now applied
 * @param full true when everything was (re)loaded (at start, after a gap): listeners then
 * rebuild from the view instead of looking at the ids
 * @param changed per kind, the ids written (created or replaced)
 * @param deleted per kind, the ids deleted
 */
public record ManagementChanges(long revision, boolean full, Map<Kind, Set<String>> changed,
		Map<Kind, Set<String>> deleted) {

	public ManagementChanges {
		changed = copy(changed);
		deleted = copy(deleted);
	}

	private static Map<Kind, Set<String>> copy(Map<Kind, Set<String>> in) {
		Map<Kind, Set<String>> out = new EnumMap<>(Kind.class);
		for (Kind k : Kind.values()) {
			out.put(k, Set.copyOf(in.getOrDefault(k, Set.of())));
		}
		return Map.copyOf(out);
	}

	/** Whether anything of this kind changed (always true for a full load). */
	public boolean touches(Kind kind) {
		return this.full || !this.changed.get(kind).isEmpty() || !this.deleted.get(kind).isEmpty();
	}

}
