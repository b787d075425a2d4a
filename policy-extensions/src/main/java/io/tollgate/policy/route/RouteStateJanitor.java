package io.tollgate.policy.route;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import reactor.core.publisher.Mono;

/**
 * After every successful route refresh, tells each {@link RouteScopedState} which routes
 * still exist: those of the route locator plus those of every {@link LiveRouteSource}.
 */
public final class RouteStateJanitor implements ApplicationListener<RefreshRoutesResultEvent> {

	private static final Logger log = LoggerFactory.getLogger(RouteStateJanitor.class);

	private final RouteLocator routes;

	private final List<RouteScopedState> states;

	private final List<LiveRouteSource> sources;

	public RouteStateJanitor(RouteLocator routes, List<RouteScopedState> states, List<LiveRouteSource> sources) {
		this.routes = routes;
		this.states = List.copyOf(states);
		this.sources = List.copyOf(sources);
	}

	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess()) {
			prune().subscribe();
		}
	}

	/** Drops the state of every route that no longer exists; emits once done. */
	public Mono<Void> prune() {
		// the locator answers from its cache, which the refresh has just replaced
		return this.routes.getRoutes().map(Route::getId).collect(HashSet<String>::new, Set::add).doOnNext(live -> {
			for (LiveRouteSource source : this.sources) {
				live.addAll(source.liveRouteIds());
			}
			for (RouteScopedState state : this.states) {
				state.retain(live);
			}
		})
			.then()
			.doOnError(error -> log.warn("Could not prune per-route state after a refresh: {}", error.toString()))
			.onErrorComplete();
	}

}
