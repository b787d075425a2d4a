package io.tollgate.gateway.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.auth.JwtNotConfiguredException;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routes are secure by default; without JWT validation configured a secured route could
 * never be called, so the gateway refuses to start and says what to set.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwtNotConfiguredStartupTest {

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void whenARouteNeedsACallerAndNoJwtIsConfigured_thenStartupFailsWithOneClearReport(CapturedOutput output) {
		String up = upstream.uri().toString();
		GatewayInstance.Builder gateway = GatewayInstance.builder()
			.route(Route.id("status").uri(up).path("/status/**").publicRoute())
			.route(Route.id("orders").uri(up).path("/orders/**"))
			.route(Route.id("admin").uri(up).path("/admin/**").metadata("public", "false"));

		assertThatThrownBy(gateway::start).isInstanceOf(JwtNotConfiguredException.class);

		String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("Description:")
			.contains("no JWT validation is configured")
			.contains("'orders' (spring.cloud.gateway.server.webflux.routes[1])")
			.contains("'admin' (spring.cloud.gateway.server.webflux.routes[2])")
			.doesNotContain("'status'")
			.contains("Action:")
			.contains("spring.security.oauth2.resourceserver.jwt.issuer-uri")
			.contains("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")
			.contains("public: true");
		assertThat(output.getAll()).as("no stack trace for the user")
			.doesNotContain("\tat ")
			.doesNotContain("Application run failed");
	}

	@Test
	void whenEveryRouteIsPublicAndNoJwtIsConfigured_thenTheGatewayStartsAndServes() {
		String up = upstream.uri().toString();
		try (GatewayInstance gateway = GatewayInstance.builder()
			.route(Route.id("status").uri(up).path("/status/**").publicRoute())
			.route(Route.id("docs").uri(up).path("/docs/**").metadata("public", "TRUE"))
			.start()) {
			gateway.client().get().uri("/status/x").exchange().expectStatus().isOk();
			gateway.client().get().uri("/docs/x").exchange().expectStatus().isOk();
		}
	}

	@Test
	void whenJwtIsConfigured_thenSecuredRoutesStartAndAcceptValidTokens() {
		String up = upstream.uri().toString();
		try (GatewayInstance gateway = GatewayInstance.builder()
			.jwt(idp)
			.route(Route.id("orders").uri(up).path("/orders/**"))
			.start()) {
			gateway.client().get().uri("/orders/1").exchange().expectStatus().isUnauthorized();
			gateway.client()
				.get()
				.uri("/orders/1")
				.header("Authorization", "Bearer " + idp.token("alice"))
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

}
