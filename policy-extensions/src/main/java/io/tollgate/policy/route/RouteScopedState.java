package io.tollgate.policy.route;

import java.util.Set;

/**
 * State a filter factory keeps per route (a breaker, a description, meters). When the
 * routes change, the state of routes that are gone is dropped; the state of routes that
 * remain is kept as it is (a refresh never resets the shared counters of an unchanged
 * route).
 */
@FunctionalInterface
public interface RouteScopedState {

	/** Drops everything kept for routes whose id is not in {@code liveRouteIds}. */
	void retain(Set<String> liveRouteIds);

}
