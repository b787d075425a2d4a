package io.tollgate.gateway.auth;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionWriter;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.LogCapture;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.identity.ClaimHeaderValues;
import io.tollgate.testsupport.internal.Waits;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.jwt.TokenBuilder;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims reach upstreams faithfully and identity headers come only from Tollgate: real
 * signed tokens with hostile claim values, client-sent identity headers on every kind of
 * route, and a route added at run time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimRelayIntegrationTest {

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	GatewayInstance gateway;

	WebTestClient client;

	@BeforeAll
	void startGateway() {
		String up = upstream.uri().toString();
		gateway = GatewayInstance.builder()
			.jwt(idp)
			.property("tollgate.security.identity-headers", "X-Lane")
			.route(Route.id("public").uri(up).path("/public/**").publicRoute())
			.route(Route.id("premium")
				.uri(up)
				.path("/orders/**")
				.predicate("JwtClaim=tier, gold|platinum")
				.filter("RequireScopes=orders:read")
				.filter("ClaimsToHeaders=sub:X-User-Id,tier:X-Tier")
				.filter("AddRequestHeader=X-Lane, premium"))
			.route(Route.id("orders")
				.uri(up)
				.path("/orders/**")
				.filter("RequireScopes=orders:read")
				.filter("ClaimsToHeaders=sub:X-User-Id"))
			.route(Route.id("relay")
				.uri(up)
				.path("/relay/**")
				.filter("ClaimsToHeaders=sub:X-User-Id,tenant:X-Tenant-Id,roles:X-Roles"))
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
	}

	private TokenBuilder token(String subject) {
		return idp.tokenBuilder().subject(subject).scopes("orders:read");
	}

	private WebTestClient.ResponseSpec get(String path, String token, String... headers) {
		WebTestClient.RequestHeadersSpec<?> spec = client.get().uri(path);
		if (token != null) {
			spec = spec.header("Authorization", "Bearer " + token);
		}
		for (int i = 0; i < headers.length; i += 2) {
			spec = spec.header(headers[i], headers[i + 1]);
		}
		return spec.exchange();
	}

	@Test
	void whenSubjectsDifferOnlyInUnsafeCharacters_thenUpstreamSeesDistinctFaithfulValues() {
		List<String> subjects = List.of("victimx", "victimx\t", "victimx\u0000", "victimx\u007f", "victimx\r\n",
				"victim\u4e00", "victim\u4e01", "victim\u00e9", " cb1", "cb1 ", "cb1", "UTF-8''victimx", "utf-8''x",
				"a,b", "50%", "victim x");
		Set<String> seen = new HashSet<>();
		for (String subject : subjects) {
			get("/relay/1", token(subject).sign()).expectStatus().isOk();
			List<String> relayed = upstream.lastRequest().headers().get("x-user-id");
			assertThat(relayed).as("sub %s", subject).hasSize(1);
			assertThat(seen.add(relayed.get(0))).as("sub %s arrived as %s, like another sub", subject, relayed.get(0))
				.isTrue();
			assertThat(ClaimHeaderValues.decode(relayed.get(0))).as("sub %s", subject).containsExactly(subject);
		}
		assertThat(relayedSub("victimx")).isEqualTo("victimx");
		assertThat(relayedSub("victim x")).isEqualTo("victim x");
		assertThat(relayedSub(" cb1")).isEqualTo("UTF-8''%20cb1");
		assertThat(relayedSub("victimx\t")).isEqualTo("UTF-8''victimx%09");
		assertThat(relayedSub("victim\u4e00")).isEqualTo("UTF-8''victim%E4%B8%80");
	}

	private String relayedSub(String subject) {
		get("/relay/1", token(subject).sign()).expectStatus().isOk();
		return upstream.lastRequest().header("X-User-Id");
	}

	@Test
	void whenSubjectsHaveLeadingSpaces_thenEveryRequestServed_neverAServerError() {
		for (int i = 0; i < 25; i++) {
			get("/orders/1", token(" cb" + i).sign()).expectStatus().isOk();
		}
		assertThat(upstream.requestCount()).isEqualTo(25);
		get("/orders/1", token("alice").sign()).expectStatus().isOk();
		assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
	}

	@Test
	void whenListClaimsDifferOnlyInCommas_thenDistinctHeaders() {
		get("/relay/1", token("alice").claim("roles", List.of("a", "b")).sign()).expectStatus().isOk();
		String two = upstream.lastRequest().header("X-Roles");
		get("/relay/1", token("alice").claim("roles", List.of("a,b")).sign()).expectStatus().isOk();
		String one = upstream.lastRequest().header("X-Roles");
		get("/relay/1", token("alice").claim("roles", List.of("a", "", " b")).sign()).expectStatus().isOk();
		String three = upstream.lastRequest().header("X-Roles");
		assertThat(two).isEqualTo("a,b");
		assertThat(one).isEqualTo("UTF-8''a%2Cb");
		assertThat(three).isEqualTo("a,UTF-8'',UTF-8''%20b");
		assertThat(ClaimHeaderValues.decode(one)).containsExactly("a,b");
		assertThat(ClaimHeaderValues.decode(three)).containsExactly("a", "", " b");
	}

	@Test
	void whenClientSendsIdentityHeadersOnAPublicRoute_thenNoneReachTheUpstream() {
		get("/public/x", null, "X-User-Id", "admin", "X-Tenant-Id", "t1", "X-Roles", "admin", "X-Tier", "platinum",
				"X-Lane", "premium", "X-Consumer-Id", "c1")
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().headers()).doesNotContainKeys("x-user-id", "x-tenant-id", "x-roles", "x-tier",
				"x-lane", "x-consumer-id");
	}

	@Test
	void whenClientSendsIdentityHeadersOnTheStandardRoute_thenOnlyGatewayValuesArrive() {
		get("/orders/1", token("alice").sign(), "X-User-Id", "admin", "X-Tier", "platinum", "X-Lane", "premium",
				"X-Tenant-Id", "t1")
			.expectStatus()
			.isOk();
		Map<String, List<String>> seen = upstream.lastRequest().headers();
		assertThat(seen.get("x-user-id")).containsExactly("alice");
		assertThat(seen).doesNotContainKeys("x-tier", "x-lane", "x-tenant-id");
	}

	@Test
	void whenPremiumRouteSetsTheLane_thenTheClientsLaneNeverSitsBesideIt() {
		get("/orders/1", token("alice").claim("tier", "gold").sign(), "X-Lane", "standard", "X-Tier", "platinum")
			.expectStatus()
			.isOk();
		Map<String, List<String>> seen = upstream.lastRequest().headers();
		assertThat(seen.get("x-lane")).containsExactly("premium");
		assertThat(seen.get("x-tier")).containsExactly("gold");
		assertThat(seen.get("x-user-id")).containsExactly("alice");
	}

	@Test
	void whenSeveralAuthorizationHeaders_thenInvalidRequest_evenWithValidTokens() {
		client.get()
			.uri("/orders/1")
			.header("Authorization", "Bearer " + token("alice").sign(), "Bearer " + token("mallory").sign())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.value("WWW-Authenticate", v -> assertThat(v).startsWith("Bearer error=\"invalid_request\""))
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenTokensGoodOrBad_thenNoneIsEverLogged() {
		String valid = token("alice").sign();
		String expired = token("alice").expiresAt(java.time.Instant.now().minusSeconds(600)).sign();
		String forged = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA"
				+ valid.substring(valid.lastIndexOf('.') + 5);
		List<String> tokens = List.of(valid, expired, forged, "not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
		try (LogCapture logs = LogCapture.start()) {
			for (String token : tokens) {
				get("/orders/1", token).expectBody().returnResult();
				get("/relay/1", token).expectBody().returnResult();
			}
			for (String token : tokens) {
				String payload = token.contains(".") ? token.split("\\.", -1)[1] : token;
				assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains(payload)
						|| (e.getThrowableProxy() != null && e.getThrowableProxy().getMessage() != null
								&& e.getThrowableProxy().getMessage().contains(payload)));
			}
		}
	}

	@Test
	void whenRouteAddedByRefresh_thenItsMappedHeadersAreStrippedEverywhere() {
		RouteDefinition late = new RouteDefinition();
		late.setId("late");
		late.setUri(URI.create(upstream.url()));
		late.setPredicates(new ArrayList<>(List.of(new PredicateDefinition("Path=/late/**"))));
		late.setFilters(new ArrayList<>(List.of(new FilterDefinition("ClaimsToHeaders=tenant:X-Late-Tenant"))));
		gateway.bean(RouteDefinitionWriter.class).save(Mono.just(late)).block(Duration.ofSeconds(5));
		gateway.context().publishEvent(new RefreshRoutesEvent(this));
		String token = token("alice").claim("tenant", "t1").sign();
		assertThat(Waits.until(Duration.ofSeconds(10), () -> {
			upstream.reset();
			get("/late/1", token).expectBody().returnResult();
			return upstream.requestCount("/late") == 1;
		})).as("late route active").isTrue();
		assertThat(upstream.lastRequest().header("X-Late-Tenant")).isEqualTo("t1");

		get("/public/x", null, "X-Late-Tenant", "spoofed").expectStatus().isOk();
		assertThat(upstream.lastRequest().headers()).doesNotContainKey("x-late-tenant");
	}

}
