package io.tollgate.policy.auth;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.springframework.cloud.gateway.handler.predicate.AbstractRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.GatewayPredicate;
import org.springframework.web.server.ServerWebExchange;

import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * {@code JwtClaim=tier, gold|platinum}: matches when the validated token has the claim (a
 * dotted path may reach nested claims) and its value, or one element of a list claim,
 * matches the regular expression as a whole.
 */
public class JwtClaimRoutePredicateFactory extends AbstractRoutePredicateFactory<JwtClaimRoutePredicateFactory.Config> {

	public JwtClaimRoutePredicateFactory() {
		super(Config.class);
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("claim", "regexp");
	}

	@Override
	public Predicate<ServerWebExchange> apply(Config config) {
		ClaimPath path = ClaimPath.of(config.getClaim());
		if (config.getRegexp() == null || config.getRegexp().isEmpty()) {
			throw new TollgateConfigurationException("JwtClaim needs a regexp for claim '" + path.name() + "'");
		}
		Pattern pattern = Pattern.compile(config.getRegexp());
		return new GatewayPredicate() {
			@Override
			public boolean test(ServerWebExchange exchange) {
				Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
				if (caller == null || caller.jwt() == null) {
					return false;
				}
				for (String value : path.values(caller.jwt().getClaims())) {
					if (pattern.matcher(value).matches()) {
						return true;
					}
				}
				return false;
			}

			@Override
			public String toString() {
				return "JwtClaim: " + path.name() + "=" + pattern.pattern();
			}
		};
	}

	public static class Config {

		/** Claim name; dots reach nested claims ({@code realm_access.roles}). */
		private String claim;

		/** Regular expression that the whole value (or one list element) must match. */
		private String regexp;

		public String getClaim() {
			return claim;
		}

		public void setClaim(String claim) {
			this.claim = claim;
		}

		public String getRegexp() {
			return regexp;
		}

		public void setRegexp(String regexp) {
			this.regexp = regexp;
		}

	}

}
