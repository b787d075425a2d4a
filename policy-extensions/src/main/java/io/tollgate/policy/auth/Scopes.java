package io.tollgate.policy.auth;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The scopes granted by a token: {@code scope} as a space-separated string (Keycloak,
 * Auth0) and {@code scp} as a list or a string (Okta, Entra ID), as one set.
 */
public final class Scopes {

	private Scopes() {
	}

	/**
	 * Per validated token instance (the decoder's cache hands out the same instance for a
	 * hot token), so a request does not split the scope claim again; weak keys: an entry
	 * lives only as long as its token does.
	 */
	private static final Cache<Jwt, Set<String>> CACHE = Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

	/** The granted scopes (unmodifiable). */
	public static Set<String> of(Jwt jwt) {
		return CACHE.get(jwt, Scopes::parse);
	}

	private static Set<String> parse(Jwt jwt) {
		Set<String> scopes = new HashSet<>();
		add(scopes, jwt.getClaims().get("scope"));
		add(scopes, jwt.getClaims().get("scp"));
		return Set.copyOf(scopes);
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
