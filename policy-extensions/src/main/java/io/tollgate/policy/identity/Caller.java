package io.tollgate.policy.identity;

import java.util.Optional;

import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling, as established by authentication and carried on the exchange for every
 * policy (rate-limit keys, claim predicates, header relay, logs).
 *
 * @param principal the token's {@code sub}
 * @param clientId the calling client: {@code azp}, else {@code client_id}; may be null
 * @param consumer the API-management consumer id, once API keys or consumers are
 * resolved; may be null
 * @param jwt the validated token, null when the caller was not identified by a JWT
 */
public record Caller(String principal, @Nullable String clientId, @Nullable String consumer, @Nullable Jwt jwt) {

	/** Exchange attribute under which the {@link Caller} is stored. */
	public static final String ATTRIBUTE = Caller.class.getName();

	public static Caller fromJwt(Jwt jwt) {
		String client = jwt.getClaimAsString("azp");
		if (client == null) {
			client = jwt.getClaimAsString("client_id");
		}
		return new Caller(jwt.getSubject(), client, null, jwt);
	}

	/** A caller identified by an API key of an API-management consumer, without a JWT. */
	public static Caller fromApiKey(String consumer) {
		return new Caller("consumer:" + consumer, null, consumer, null);
	}

	/** This caller, identified as the API-management consumer {@code consumer}. */
	public Caller withConsumer(String consumer) {
		return new Caller(this.principal, this.clientId, consumer, this.jwt);
	}

	public static Optional<Caller> of(ServerWebExchange exchange) {
		return Optional.ofNullable(exchange.getAttribute(ATTRIBUTE));
	}

	public void bind(ServerWebExchange exchange) {
		exchange.getAttributes().put(ATTRIBUTE, this);
	}
}
