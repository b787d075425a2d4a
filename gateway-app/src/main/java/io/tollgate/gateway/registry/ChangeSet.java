package io.tollgate.gateway.registry;

import java.util.List;

/**
 * What changed after a revision, as the store has it now.
 *
 * @param revision the store's revision these changes bring a replica to
 * @param changed resources written since, with their current JSON
 * @param deleted resources deleted since
 * @param gap true when the change feed no longer reaches back to the asked revision: take
 * a {@link ChangeFeed#snapshot()} instead (changed and deleted are then empty)
 */
public record ChangeSet(long revision, List<StoredResource> changed, List<Deleted> deleted, boolean gap) {

	public ChangeSet {
		changed = List.copyOf(changed);
		deleted = List.copyOf(deleted);
	}

	public static ChangeSet gap(long revision) {
		return new ChangeSet(revision, List.of(), List.of(), true);
	}

	public boolean isEmpty() {
		return !this.gap && this.changed.isEmpty() && this.deleted.isEmpty();
	}

	/** A resource deleted at {@code revision}. */
	public record Deleted(Kind kind, String id, long revision) {
	}

}
