package io.tollgate.gateway.auth;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code issuer-uri} alone (OIDC discovery): the gateway starts and serves public routes
 * while the identity provider is down, and validates tokens once it is reachable.
 */
class IdentityProviderDownAtStartIntegrationTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	final TestIdentityProvider idp = new TestIdentityProvider();

	GatewayInstance gateway;

	@AfterEach
	void stop() {
		if (gateway != null) {
			gateway.close();
		}
		idp.close();
	}

	@Test
	void whenIdpDownAtStart_thenPublicRoutesServe_andTokensValidateOnceItIsUp() throws Exception {
		String issuer = idp.issuer(); // picks the port
		idp.stop();
		String up = upstream.uri().toString();
		gateway = GatewayInstance.builder()
			.property("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer)
			.property("spring.security.oauth2.resourceserver.jwt.audiences", idp.audience())
			.route(Route.id("public").uri(up).path("/public/**").publicRoute())
			.route(Route.id("api").uri(up).path("/api/**"))
			.start();
		gateway.client().get().uri("/public/x").exchange().expectStatus().isOk();

		idp.start();
		String token = idp.token("alice");
		assertThat(idp.issuer()).isEqualTo(issuer);
		int status = 0;
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			status = gateway.client()
				.get()
				.uri("/api/x")
				.header("Authorization", "Bearer " + token)
				.exchange()
				.expectBody()
				.returnResult()
				.getStatus()
				.value();
			if (status == 200) {
				break;
			}
			assertThat(status).as("before the provider answers, a token is refused, never a 5xx").isEqualTo(401);
			Thread.sleep(200);
		}
		assertThat(status).isEqualTo(200);
		assertThat(idp.discoveryRequests()).as("discovery was used").isGreaterThanOrEqualTo(1);
	}

}
