package io.tollgate.gateway.registry;

import java.net.URI;

import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

import io.tollgate.policy.auth.RouteAuthenticationFilter;

/**
 * The one Spring Cloud Gateway route of every managed API, {@code tollgate-managed}. It
 * comes last (lowest precedence), so static routes are matched first and cost what they
 * cost without it; its predicate is one index lookup, however many APIs there are. Its
 * metadata is {@code public: true}: each API enforces its own {@code auth.mode}.
 */
final class ManagedApiRoute implements RouteLocator {

	static final String ROUTE_ID = "tollgate-managed";

	/** Never contacted: the dispatch filter replaces it with the API's upstream. */
	static final URI PLACEHOLDER = URI.create("http://tollgate-managed.invalid");

	static final int METRICS_ORDER = RouteAuthenticationFilter.ORDER + 1;

	static final int ACCESS_ORDER = RouteAuthenticationFilter.ORDER + 2;

	static final int DISPATCH_ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;

	private final Route route;

	ManagedApiRoute(ManagedApis apis) {
		this.route = Route.async()
			.id(ROUTE_ID)
			.uri(PLACEHOLDER)
			.order(Ordered.LOWEST_PRECEDENCE)
			.metadata(RouteAuthenticationFilter.PUBLIC_METADATA_KEY, true)
			.predicate(exchange -> matches(apis, exchange))
			.filters(new OrderedGatewayFilter(new ManagedApiMetricsFilter(), METRICS_ORDER),
					new OrderedGatewayFilter(new ManagedApiAccessFilter(), ACCESS_ORDER),
					new OrderedGatewayFilter(new ManagedApiDispatchFilter(), DISPATCH_ORDER))
			.build();
	}

	private static boolean matches(ManagedApis apis, ServerWebExchange exchange) {
		ManagedMatch match = apis.lookup(exchange.getRequest().getPath().pathWithinApplication());
		if (match == null) {
			return false;
		}
		exchange.getAttributes().put(ManagedMatch.ATTRIBUTE, match);
		return true;
	}

	@Override
	public Flux<Route> getRoutes() {
		return Flux.just(this.route);
	}

}
