package io.tollgate.gateway.observability;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

import io.tollgate.policy.observation.PolicyOutcomes;

/**
 * Adds to each request's server observation, when it stops, the route that served it and
 * what Tollgate's policies decided ({@link PolicyOutcomes}): span attributes
 * {@code tollgate.route.id}, {@code tollgate.ratelimit.outcome},
 * {@code tollgate.circuitbreaker.name}, {@code .state}, {@code .permitted}. High
 * cardinality: they go on spans, never on the request metrics' tags.
 */
final class PolicyOutcomeObservationFilter implements ObservationFilter {

	static final String ROUTE_ID = "tollgate.route.id";

	@Override
	public Observation.Context map(Observation.Context context) {
		if (context instanceof ServerRequestObservationContext server) {
			Object route = server.getAttributes().get(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
			if (route instanceof Route r) {
				server.addHighCardinalityKeyValue(KeyValue.of(ROUTE_ID, r.getId()));
			}
			PolicyOutcomes.of(server.getAttributes())
				.forEach((key, value) -> server.addHighCardinalityKeyValue(KeyValue.of(key, value)));
		}
		return context;
	}

}
