package io.tollgate.policy.auth;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The scopes granted by a token: {@code scope} as a space-separated string (Keycloak,
 * Auth0) and {@code scp} as a list or a string (Okta, Entra ID), as one set.
 */
public final class Scopes {

	private Scopes() {
	}

	public static Set<String> of(Jwt jwt) {
		Set<String> scopes = new HashSet<>();
		add(scopes, jwt.getClaims().get("scope"));
		add(scopes, jwt.getClaims().get("scp"));
		return scopes;
	}

	private static void add(Set<String> into, Object claim) {
		if (claim instanceof String s) {
			for (String part : s.split(" ")) {
				if (!part.isEmpty()) {
					into.add(part);
				}
			}
		}
		else if (claim instanceof Collection<?> list) {
			for (Object o : list) {
				if (o != null) {
					add(into, o.toString());
				}
			}
		}
	}

}
