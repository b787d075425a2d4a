package io.tollgate.policy.auth;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;

import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.identity.ClaimHeaderValues;
import io.tollgate.policy.identity.IdentityHeaders;
import io.tollgate.policy.config.TollgateConfigurationException;
import io.tollgate.policy.route.DescribedGatewayFilter;

/**
 * {@code ClaimsToHeaders=sub:X-User-Id,tenant:X-Tenant-Id}: copies claims into upstream
 * request headers, faithfully: values that cannot travel in a header as they are are RFC
 * 8187-encoded ({@link ClaimHeaderValues}), so two different claims never arrive as the
 * same header. Each mapped header becomes an {@link IdentityHeaders identity header} when
 * the route is built: client values of it are removed from every request on every route.
 * A claim that no header can carry (a lone UTF-16 surrogate) gives 401
 * {@code invalid_token}; the filter never fails the exchange with an error.
 */
public class ClaimsToHeadersGatewayFilterFactory
		extends AbstractGatewayFilterFactory<ClaimsToHeadersGatewayFilterFactory.Config> {

	@Nullable
	private IdentityHeaders identityHeaders;

	public ClaimsToHeadersGatewayFilterFactory() {
		super(Config.class);
	}

	/**
	 * The shared registry the mapped headers are added to (none: only this filter strips
	 * them).
	 */
	@Autowired(required = false)
	public void setIdentityHeaders(@Nullable IdentityHeaders identityHeaders) {
		this.identityHeaders = identityHeaders;
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("mappings");
	}

	@Override
	public ShortcutType shortcutType() {
		return ShortcutType.GATHER_LIST;
	}

	@Override
	public GatewayFilter apply(Config config) {
		List<Mapping> mappings = parse(config);
		if (identityHeaders != null) {
			mappings.forEach(m -> identityHeaders.register(m.header));
		}
		String description = "ClaimsToHeaders mappings = "
				+ String.join(",", mappings.stream().map(m -> m.claim.name() + ":" + m.header).toList());
		return new OrderedGatewayFilter(DescribedGatewayFilter.of(description, (exchange, chain) -> {
			Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
			Jwt jwt = caller == null ? null : caller.jwt();
			List<String> encoded = new ArrayList<>(mappings.size());
			for (Mapping m : mappings) {
				List<String> values = jwt == null ? List.of() : m.claim.values(jwt.getClaims());
				String value = values.isEmpty() ? null : ClaimHeaderValues.encode(values);
				if (!values.isEmpty() && value == null) {
					return BearerChallenge.error(exchange, HttpStatus.UNAUTHORIZED, "invalid_token",
							"The token's " + m.claim.name() + " claim cannot be relayed");
				}
				encoded.add(value);
			}
			ServerHttpRequest request = exchange.getRequest().mutate().headers(headers -> {
				for (int i = 0; i < mappings.size(); i++) {
					String header = mappings.get(i).header;
					headers.remove(header);
					if (encoded.get(i) != null) {
						headers.set(header, encoded.get(i));
					}
				}
			}).build();
			return chain.filter(exchange.mutate().request(request).build());
		}), RouteAuthenticationFilter.ORDER + 2);
	}

	private static List<Mapping> parse(Config config) {
		List<Mapping> mappings = new ArrayList<>();
		for (String entry : config.getMappings()) {
			for (String item : entry.split(",")) {
				if (item.isBlank()) {
					continue;
				}
				int colon = item.lastIndexOf(':');
				if (colon <= 0 || colon == item.length() - 1) {
					throw new TollgateConfigurationException(
							"ClaimsToHeaders mapping '" + item.trim() + "' must be claim:Header-Name");
				}
				String header = item.substring(colon + 1).trim();
				try {
					IdentityHeaders.validate(header);
				}
				catch (IllegalArgumentException ex) {
					throw new TollgateConfigurationException("ClaimsToHeaders: " + ex.getMessage(), ex);
				}
				mappings.add(new Mapping(ClaimPath.of(item.substring(0, colon)), header));
			}
		}
		if (mappings.isEmpty()) {
			throw new TollgateConfigurationException("ClaimsToHeaders needs at least one claim:Header mapping");
		}
		return mappings;
	}

	private record Mapping(ClaimPath claim, String header) {
	}

	public static class Config {

		/** {@code claim:Header-Name} pairs; the claim may be a dotted path. */
		private List<String> mappings = new ArrayList<>();

		public List<String> getMappings() {
			return mappings;
		}

		public void setMappings(List<String> mappings) {
			this.mappings = mappings;
		}

	}

}
