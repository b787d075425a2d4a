package io.tollgate.policy.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimPathAndScopesTest {

	@Test
	void whenDottedPath_thenNestedValuesResolved() {
		Map<String, Object> claims = Map.of("realm_access", Map.of("roles", List.of("a", "b")), "tier", "gold",
				"https://example.com/roles", List.of("x"), "n", 5);
		assertThat(ClaimPath.of("realm_access.roles").values(claims)).containsExactly("a", "b");
		assertThat(ClaimPath.of("tier").values(claims)).containsExactly("gold");
		assertThat(ClaimPath.of("https://example.com/roles").values(claims)).containsExactly("x");
		assertThat(ClaimPath.of("n").values(claims)).containsExactly("5");
		assertThat(ClaimPath.of("realm_access").values(claims)).isEmpty();
		assertThat(ClaimPath.of("missing.path").values(claims)).isEmpty();
	}

	@Test
	void whenScopeAndScp_thenOneSet() {
		Jwt jwt = Jwt.withTokenValue("t")
			.header("alg", "RS256")
			.claim("scope", "b  a")
			.claim("scp", List.of("c", "a"))
			.expiresAt(Instant.now().plusSeconds(60))
			.build();
		assertThat(Scopes.of(jwt)).containsExactlyInAnyOrder("a", "b", "c");
	}

}
