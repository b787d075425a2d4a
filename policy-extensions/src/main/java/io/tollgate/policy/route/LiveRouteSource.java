package io.tollgate.policy.route;

import java.util.Set;

/**
 * A source of routes other than Spring Cloud Gateway's route locator (for example managed
 * APIs) whose route ids must survive the pruning that follows a route refresh.
 */
@FunctionalInterface
public interface LiveRouteSource {

	Set<String> liveRouteIds();

}
