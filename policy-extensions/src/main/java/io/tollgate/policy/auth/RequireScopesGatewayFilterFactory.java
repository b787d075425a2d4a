package io.tollgate.policy.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.config.TollgateConfigurationException;
import io.tollgate.policy.route.DescribedGatewayFilter;

/**
 * {@code RequireScopes=orders:read,orders:write}: every listed scope must be granted by
 * the token's {@code scope}/{@code scp} claim, else 403 {@code insufficient_scope}.
 */
public class RequireScopesGatewayFilterFactory
		extends AbstractGatewayFilterFactory<RequireScopesGatewayFilterFactory.Config> {

	public RequireScopesGatewayFilterFactory() {
		super(Config.class);
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("scopes");
	}

	@Override
	public ShortcutType shortcutType() {
		return ShortcutType.GATHER_LIST;
	}

	@Override
	public GatewayFilter apply(Config config) {
		Set<String> required = new LinkedHashSet<>();
		for (String s : config.getScopes()) {
			for (String part : s.split("[\\s,]+")) {
				if (!part.isBlank()) {
					required.add(part.trim());
				}
			}
		}
		if (required.isEmpty()) {
			throw new TollgateConfigurationException("RequireScopes needs at least one scope");
		}
		String requiredText = String.join(" ", required);
		return new OrderedGatewayFilter(
				DescribedGatewayFilter.of("RequireScopes scopes = " + requiredText, (exchange, chain) -> {
					Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
					if (caller == null || caller.jwt() == null) {
						return BearerChallenge.missingToken(exchange);
					}
					if (!Scopes.of(caller.jwt()).containsAll(required)) {
						return BearerChallenge.insufficientScope(exchange, requiredText);
					}
					return chain.filter(exchange);
				}), RouteAuthenticationFilter.ORDER + 1);
	}

	public static class Config {

		/** Scopes that must all be granted. */
		private List<String> scopes = new ArrayList<>();

		public List<String> getScopes() {
			return scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

	}

}
