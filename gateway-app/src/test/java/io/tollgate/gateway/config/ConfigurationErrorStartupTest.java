package io.tollgate.gateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.config.TollgateConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user's configuration error stops the real application before it opens a port or
 * contacts Redis, with one "APPLICATION FAILED TO START" block that names the property
 * (and route), and no stack trace anywhere in the output.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationErrorStartupTest {

	private static final String UPSTREAM = "http://127.0.0.1:9";

	private static final String ROUTES = "spring.cloud.gateway.server.webflux.routes";

	@Test
	void whenAClusterRateLimitArgumentIsBad_thenOneReportNamesTheRouteFilterAndNothingStarts(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.route(Route.id("ok").uri(UPSTREAM).path("/ok/**").publicRoute().filter("ClusterRateLimit=5/1s, ip"))
			.route(Route.id("orders")
				.uri(UPSTREAM)
				.path("/orders/**")
				.publicRoute()
				.filter("AddRequestHeader=X-A, b")
				.filter("ClusterRateLimit=5/1s, cookie:session"));

		assertThatThrownBy(gateway::start).isInstanceOf(TollgateConfigurationException.class);

		String report = report(output);
		assertThat(report).contains("Property: " + ROUTES + "[1].filters[1]")
			.contains("Route:    orders")
			.contains("Route 'orders': ClusterRateLimit: Unknown ClusterRateLimit key 'cookie:session'")
			.contains("Action:")
			.doesNotContain("'ok'");
		assertQuiet(output);
		assertThat(output.getAll()).as("no port was opened").doesNotContain("Netty started");
	}

	@Test
	void whenSeveralRouteElementsAreBad_thenOneReportListsEachWithItsProperty(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.route(Route.id("a")
				.uri(UPSTREAM)
				.path("/a/**")
				.publicRoute()
				.filter("ClaimsToHeaders=sub:Host")
				.filter("SharedCircuitBreaker=b, http://elsewhere"))
			.route(Route.id("b")
				.uri(UPSTREAM)
				.path("/b/**")
				.predicate("JwtClaim=tier")
				.publicRoute()
				.filter("RequireScopes=,")
				.filter("RateLimitEverything=1"));

		assertThatThrownBy(gateway::start).isInstanceOf(TollgateConfigurationException.class);

		String report = report(output);
		assertThat(report).containsOnlyOnce("APPLICATION FAILED TO START")
			.contains("Property: " + ROUTES + "[0].filters[0]")
			.contains("'Host' cannot be an identity header")
			.contains("Property: " + ROUTES + "[0].filters[1]")
			.contains("fallback-uri must be forward:/path, got http://elsewhere")
			.contains("Property: " + ROUTES + "[1].predicates[1]")
			.contains("JwtClaim needs a regexp for claim 'tier'")
			.contains("Property: " + ROUTES + "[1].filters[0]")
			.contains("RequireScopes needs at least one scope")
			.contains("Property: " + ROUTES + "[1].filters[1]")
			.contains("No filter named 'RateLimitEverything'")
			.contains("Route:    a")
			.contains("Route:    b");
		assertQuiet(output);
	}

	@Test
	void whenANamedBreakerDefinitionIsBad_thenTheReportNamesIt(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.property("tollgate.circuit-breakers.orders.minimum-calls", "0")
			.route(Route.id("orders")
				.uri(UPSTREAM)
				.path("/orders/**")
				.publicRoute()
				.filter("SharedCircuitBreaker=orders"));

		assertThatThrownBy(gateway::start).hasRootCauseInstanceOf(TollgateConfigurationException.class);

		assertThat(report(output)).contains("Property: tollgate.circuit-breakers.orders")
			.contains("circuit breaker 'orders': minimum-calls must be at least 1, got 0");
		assertQuiet(output);
	}

	@Test
	void whenATollgatePropertyIsInvalid_thenTheReportNamesIt(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.property("tollgate.redis.timeout", "0s")
			.route(Route.id("ok").uri(UPSTREAM).path("/ok/**").publicRoute());

		assertThatThrownBy(gateway::start).hasRootCauseInstanceOf(TollgateConfigurationException.class);

		assertThat(report(output)).contains("Property: tollgate.redis.timeout")
			.contains("tollgate.redis.timeout must be a positive duration, got PT0S");
		assertQuiet(output);
	}

	@Test
	void whenAnEdgePropertyIsInvalid_thenTheReportNamesIt(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.property("tollgate.trusted-proxies", "10.0.0.0/99")
			.route(Route.id("ok").uri(UPSTREAM).path("/ok/**").publicRoute());

		assertThatThrownBy(gateway::start).hasRootCauseInstanceOf(TollgateConfigurationException.class);

		assertThat(report(output)).contains("Property: tollgate.trusted-proxies")
			.contains("Prefix length out of range in CIDR block '10.0.0.0/99'");
		assertQuiet(output);
	}

	@Test
	void whenARemovedPropertyIsSet_thenTheReportNamesItsReplacement(CapturedOutput output) {
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.property("tollgate.ratelimit.timeout", "50ms")
			.property("tollgate.ratelimit.replica-id", "gw-1")
			.route(Route.id("ok").uri(UPSTREAM).path("/ok/**").publicRoute());

		assertThatThrownBy(gateway::start).isInstanceOf(TollgateConfigurationException.class);

		assertThat(report(output)).contains("Property: tollgate.ratelimit.timeout")
			.contains("this property was removed; use tollgate.redis.timeout")
			.contains("Property: tollgate.ratelimit.replica-id")
			.contains("this property was removed; use tollgate.replica.id");
		assertQuiet(output);
	}

	private static String report(CapturedOutput output) {
		String all = output.getAll();
		int start = all.indexOf("APPLICATION FAILED TO START");
		assertThat(start).as("a failure report in:%n%s", all).isNotNegative();
		return all.substring(start);
	}

	private static void assertQuiet(CapturedOutput output) {
		assertThat(output.getAll()).as("no stack trace for a user error")
			.doesNotContain("\tat ")
			.doesNotContain("Application run failed")
			.doesNotContain("Refresh routes error")
			.doesNotContain("onErrorDropped");
		long errors = output.getAll().lines().filter(line -> line.contains(" ERROR ")).count();
		assertThat(errors).as("only the failure report is logged at ERROR").isEqualTo(1);
	}

}
