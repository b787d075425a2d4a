package io.tollgate.gateway.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/gateway/routes} shows Tollgate's filters and predicates with their
 * settings, as Spring Cloud Gateway's own read, never a lambda's class name.
 */
class RoutesActuatorDescriptionTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Test
	void whenRoutesUseTollgatesFactories_thenTheRoutesEndpointDescribesThem() {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.route(Route.id("orders")
				.uri("http://127.0.0.1:9")
				.path("/orders/**")
				.predicate("JwtClaim=tier, gold|platinum")
				.publicRoute()
				.filter("RequireScopes=orders:read,orders:write")
				.filter("ClaimsToHeaders=sub:X-User-Id,tenant:X-Tenant-Id")
				.filter("ClusterRateLimit=5/1s;100/1d, principal")
				.filter("SharedCircuitBreaker=orders-backend"))
			.start()) {
			String routes = gateway.management()
				.get()
				.uri("/actuator/gateway/routes")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();

			assertThat(routes).contains("JwtClaim: tier=gold|platinum")
				.contains("[RequireScopes scopes = orders:read orders:write]")
				.contains("[ClaimsToHeaders mappings = sub:X-User-Id,tenant:X-Tenant-Id]")
				.contains("ClusterRateLimit[[5/1s, 100/1d], key=principal, budget=orders, gcra]")
				.contains("SharedCircuitBreaker[orders-backend]")
				.doesNotContain("io.tollgate");
		}
	}

}
