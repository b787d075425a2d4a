package io.tollgate.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.jwt.TokenBuilder;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JWT rule through real HTTP: a running gateway, a real identity provider serving a
 * JWKS, real signed tokens, a real upstream that counts what reaches it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthenticationIntegrationTest {

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider().includeEncKey(true);

	@RegisterExtension
	static final TestIdentityProvider attacker = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final Duration COOLDOWN = Duration.ofSeconds(3);

	GatewayInstance gateway;

	WebTestClient client;

	@BeforeAll
	void startGateway() {
		String up = upstream.uri().toString();
		gateway = GatewayInstance.builder()
			.jwt(idp)
			.property("tollgate.security.jwt.jwks-refresh-cooldown", COOLDOWN.toMillis() + "ms")
			.route(Route.id("public").uri(up).path("/public/**").publicRoute())
			.route(Route.id("premium")
				.uri(up)
				.path("/orders/**")
				.predicate("JwtClaim=tier, gold|platinum")
				.filter("RequireScopes=orders:read")
				.filter("AddRequestHeader=X-Lane, premium"))
			.route(Route.id("admin")
				.uri(up)
				.path("/orders/**")
				.predicate("JwtClaim=realm_access.roles, admin")
				.filter("AddRequestHeader=X-Lane, admin"))
			.route(Route.id("orders").uri(up).path("/orders/**").filter("RequireScopes=orders:read"))
			.route(Route.id("writes").uri(up).path("/writes/**").filter("RequireScopes=orders:read,orders:write"))
			.route(Route.id("relay")
				.uri(up)
				.path("/relay/**")
				.filter("ClaimsToHeaders=sub:X-User-Id,tenant:X-Tenant-Id,realm_access.roles:X-Roles"))
			.route(Route.id("anything").uri(up).path("/api/**"))
			.start();
		client = gateway.client();
	}

	@AfterAll
	void stopGateway() {
		gateway.close();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
		idp.setAvailable(true);
	}

	private WebTestClient.ResponseSpec get(String path, String token) {
		WebTestClient.RequestHeadersSpec<?> spec = client.get().uri(path);
		if (token != null) {
			spec = spec.header("Authorization", "Bearer " + token);
		}
		return spec.exchange();
	}

	private void assertInvalidToken(String token) {
		long before = upstream.requestCount();
		get("/api/x", token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value("WWW-Authenticate", v -> assertThat(v).startsWith("Bearer error=\"invalid_token\""))
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.trace")
			.doesNotExist();
		assertThat(upstream.requestCount()).as("upstream must not be called").isEqualTo(before);
	}

	private TokenBuilder valid() {
		return idp.tokenBuilder().subject("alice").scopes("orders:read").claim("jti", UUID.randomUUID().toString());
	}

	@Test
	void whenRoutePublic_thenNoTokenNeeded() {
		get("/public/hello", null).expectStatus().isOk();
		assertThat(upstream.requestCount()).isEqualTo(1);
	}

	@Test
	void whenNoToken_thenUnauthorizedWithBearerChallengeAndProblemBody() {
		get("/api/x", null).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals("WWW-Authenticate", "Bearer")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Unauthorized")
			.jsonPath("$.status")
			.isEqualTo(401);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenValidRs256Token_thenProxied() {
		get("/api/x", valid().sign()).expectStatus().isOk();
		assertThat(upstream.requestCount()).isEqualTo(1);
	}

	@Test
	void whenValidEs256Token_thenProxied() {
		get("/api/x", valid().es256().sign()).expectStatus().isOk();
	}

	@Test
	void whenTypIsAtJwt_thenAccepted_andOtherTypRejected() {
		get("/api/x", valid().type("at+jwt").sign()).expectStatus().isOk();
		assertInvalidToken(valid().type("JOSE+JSON").sign());
	}

	@Test
	void whenAudienceIsArrayContainingOurs_thenAccepted() {
		get("/api/x", valid().audience("other-api", idp.audience()).sign()).expectStatus().isOk();
	}

	@Test
	void whenAudienceWrong_thenRejected() {
		assertInvalidToken(valid().audience("other-api").sign());
		assertInvalidToken(valid().without("aud").sign());
	}

	@Test
	void whenIssuerWrongOrDiffersBySlash_thenRejected() {
		assertInvalidToken(valid().issuer("https://evil.example").sign());
		assertInvalidToken(valid().issuer(idp.issuer() + "/").sign());
	}

	@Test
	void whenExpired_thenRejected_butWithinClockSkewAccepted() {
		assertInvalidToken(
				valid().issuedAt(Instant.now().minusSeconds(600)).expiresAt(Instant.now().minusSeconds(31 + 5)).sign());
		get("/api/x",
				valid().issuedAt(Instant.now().minusSeconds(600)).expiresAt(Instant.now().minusSeconds(10)).sign())
			.expectStatus()
			.isOk();
	}

	@Test
	void whenNoExp_thenRejected() {
		assertInvalidToken(valid().without("exp").sign());
	}

	@Test
	void whenNotBeforeInFuture_thenRejected_butWithinClockSkewAccepted() {
		assertInvalidToken(valid().notBefore(Instant.now().plusSeconds(120)).sign());
		get("/api/x", valid().notBefore(Instant.now().plusSeconds(10)).sign()).expectStatus().isOk();
	}

	@Test
	void whenAlgNone_thenRejected() {
		String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
		String payload = b64("{\"sub\":\"alice\",\"iss\":\"" + idp.issuer() + "\",\"aud\":\"" + idp.audience()
				+ "\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
		assertInvalidToken(header + "." + payload + ".");
		assertInvalidToken(header + "." + payload);
	}

	@Test
	void whenHmacSignedWithThePublicKey_thenRejected() {
		// classic algorithm confusion: HS256 keyed with the RSA public key bytes the
		// attacker can download
		byte[] publicKeyBytes = idp.rsaKey().toPublicJWK().toJSONString().getBytes();
		assertInvalidToken(valid().hmac(JWSAlgorithm.HS256, publicKeyBytes).kid(idp.currentKid()).sign());
		assertInvalidToken(valid().hs256("a-shared-secret-of-at-least-256-bits-0123456789").sign());
	}

	@Test
	void whenAlgorithmNotConfigured_thenRejected() {
		assertInvalidToken(valid().algorithm(JWSAlgorithm.PS256).sign());
	}

	@Test
	void whenSignedWithUnpublishedKey_thenRejected() {
		assertInvalidToken(valid().signedWith(idp.attackerKeys().rsa()).kid(idp.currentKid()).sign());
	}

	@Test
	void whenJkuX5uOrEmbeddedJwkPointAtAttackerKeys_thenNeverFollowed() {
		attacker.resetCounters();
		var forged = attacker.tokenBuilder()
			.issuer(idp.issuer())
			.audience(idp.audience())
			.subject("mallory")
			.kid(attacker.currentKid());
		assertInvalidToken(forged.jku(attacker.jwksUri()).sign());
		assertInvalidToken(
				attacker.tokenBuilder().issuer(idp.issuer()).audience(idp.audience()).x5u(attacker.jwksUri()).sign());
		assertInvalidToken(
				attacker.tokenBuilder().issuer(idp.issuer()).audience(idp.audience()).jwk(attacker.rsaKey()).sign());
		assertThat(attacker.jwksRequests()).as("attacker's JWKS must never be fetched").isZero();
	}

	@Test
	void whenSignedWithEncryptionKeyOfTheJwks_thenRejected() {
		assertInvalidToken(valid().signedWith(idp.encKey()).sign());
	}

	@Test
	void whenCritHeader_thenRejected() {
		assertInvalidToken(valid().crit("exp").sign());
	}

	@Test
	void whenMalformedOrOversizedOrDeeplyNested_thenFast401NeverServerError() {
		assertInvalidToken("abc");
		assertInvalidToken("a.b");
		assertInvalidToken("a.b.c.d.e");
		assertInvalidToken("eyJ!!.eyJ.sig");
		assertInvalidToken(b64("{\"alg\":\"RS256\"") + "." + b64("{") + ".c2ln");
		assertInvalidToken(valid().claim("pad", "x".repeat(9000)).sign());
		String deep = "[".repeat(3000) + "]".repeat(3000);
		assertInvalidToken(b64("{\"alg\":\"RS256\",\"kid\":\"" + idp.currentKid() + "\"}") + "."
				+ b64("{\"sub\":\"a\",\"x\":" + deep + "}") + ".c2ln");
		assertInvalidToken(valid().claim("x", nested(40)).sign());
	}

	@Test
	void whenHostileKids_thenRejectedAndJwksFetchedAtMostOncePerCooldown() throws Exception {
		// warm the key cache, then let the cooldown of that fetch pass
		get("/api/x", valid().sign()).expectStatus().isOk();
		Thread.sleep(COOLDOWN.toMillis() + 200);
		idp.resetCounters();
		long start = System.nanoTime();
		for (int i = 0; i < 40; i++) {
			assertInvalidToken(valid().kid(UUID.randomUUID().toString()).sign());
		}
		assertInvalidToken(valid().kid("../../../../etc/passwd").sign());
		assertInvalidToken(valid().kid("k".repeat(10_000)).sign());
		double elapsed = (System.nanoTime() - start) / 1e9;
		long allowed = 1 + (long) Math.floor(elapsed / (COOLDOWN.toMillis() / 1000.0));
		assertThat(idp.jwksRequests()).as("JWKS fetches during %.1f s of random kids", elapsed).isBetween(1L, allowed);
	}

	@Test
	void whenKeysRotate_thenNewKidValidatesWithoutRestart() throws Exception {
		get("/api/x", valid().sign()).expectStatus().isOk();
		idp.rotate();
		Thread.sleep(COOLDOWN.toMillis() + 200);
		get("/api/x", valid().sign()).expectStatus().isOk();
	}

	@Test
	void whenJwksEndpointDown_thenCachedKeysKeepValidating() {
		get("/api/x", valid().sign()).expectStatus().isOk();
		idp.setAvailable(false);
		for (int i = 0; i < 3; i++) {
			get("/api/x", valid().sign()).expectStatus().isOk();
		}
	}

	@Test
	void whenScopeMissing_thenForbiddenWithInsufficientScopeChallenge() {
		get("/writes/1", valid().scopes("orders:read").sign()).expectStatus()
			.isForbidden()
			.expectHeader()
			.value("WWW-Authenticate",
					v -> assertThat(v).startsWith("Bearer error=\"insufficient_scope\"")
						.contains("scope=\"orders:read orders:write\""))
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(403);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenScopesGrantedInAnyFormat_thenAllowed() {
		get("/writes/1", valid().scope("orders:write profile orders:read").sign()).expectStatus().isOk();
		get("/writes/1", valid().without("scope").claim("scp", List.of("orders:read", "orders:write")).sign())
			.expectStatus()
			.isOk();
		get("/writes/1", valid().without("scope").claim("scp", "orders:write orders:read").sign()).expectStatus()
			.isOk();
		get("/writes/1", valid().without("scope").claim("scp", List.of("orders:read")).sign()).expectStatus()
			.isForbidden();
	}

	@Test
	void whenClaimMatches_thenPremiumRoute_elseDefault() {
		get("/orders/1", valid().claim("tier", "gold").sign()).expectStatus().isOk();
		assertThat(upstream.lastRequest().header("X-Lane")).isEqualTo("premium");
		get("/orders/1", valid().claim("tier", "golden").sign()).expectStatus().isOk();
		assertThat(upstream.lastRequest().header("X-Lane")).as("regex must match the whole value").isNull();
		get("/orders/1", valid().claim("tier", List.of("silver", "platinum")).sign()).expectStatus().isOk();
		assertThat(upstream.lastRequest().header("X-Lane")).isEqualTo("premium");
		get("/orders/1", valid().claim("realm_access", Map.of("roles", List.of("user", "admin"))).sign()).expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().header("X-Lane")).isEqualTo("admin");
		get("/orders/1", valid().sign()).expectStatus().isOk();
		assertThat(upstream.lastRequest().header("X-Lane")).isNull();
	}

	@Test
	void whenClaimsToHeaders_thenClaimsRelayedAndSpoofedHeadersRemoved() {
		client.get()
			.uri("/relay/1")
			.header("Authorization",
					"Bearer " + valid().claim("realm_access", Map.of("roles", List.of("a", "b"))).sign())
			.header("X-User-Id", "admin")
			.header("X-Tenant-Id", "other-tenant")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
		assertThat(upstream.lastRequest().headers()).doesNotContainKey("x-tenant-id");
		assertThat(upstream.lastRequest().header("X-Roles")).isEqualTo("a,b");
		assertThat(upstream.lastRequest().headers()).doesNotContainKey("authorization-spoof");
	}

	@Test
	void whenUnknownPath_thenProblemNotFound() {
		get("/nowhere", valid().sign()).expectStatus()
			.isEqualTo(HttpStatus.NOT_FOUND)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private static Object nested(int depth) {
		Object o = "leaf";
		for (int i = 0; i < depth; i++) {
			o = Map.of("n", o);
		}
		return o;
	}

	private static String b64(String json) {
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
	}

}
