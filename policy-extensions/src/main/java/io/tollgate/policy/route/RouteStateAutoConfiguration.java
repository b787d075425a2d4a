package io.tollgate.policy.route;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;

/** Drops per-route state of deleted routes after each route refresh. */
@AutoConfiguration(after = GatewayAutoConfiguration.class)
@ConditionalOnClass(RouteLocator.class)
@ConditionalOnBean(RouteLocator.class)
public class RouteStateAutoConfiguration {

	@Bean
	RouteStateJanitor tollgateRouteStateJanitor(RouteLocator routes, ObjectProvider<RouteScopedState> states,
			ObjectProvider<LiveRouteSource> sources) {
		return new RouteStateJanitor(routes, states.orderedStream().toList(), sources.orderedStream().toList());
	}

}
