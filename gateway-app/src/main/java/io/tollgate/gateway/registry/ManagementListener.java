package io.tollgate.gateway.registry;

/**
 * Told after every change applied to this replica's {@link ManagementView}, on the sync's
 * thread; must not block. Listeners rebuild what they derive (the base-path index, the
 * key cache).
 */
@FunctionalInterface
public interface ManagementListener {

	void onChange(ManagementChanges changes, ManagementView view);

}
