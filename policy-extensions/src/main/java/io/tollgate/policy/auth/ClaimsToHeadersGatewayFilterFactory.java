package io.tollgate.policy.auth;

import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;

import io.tollgate.policy.identity.Caller;

/**
 * {@code ClaimsToHeaders=sub:X-User-Id,tenant:X-Tenant-Id}: copies claims into upstream
 * request headers. Client-sent headers of those names are always removed first, so they
 * cannot be spoofed. List claims are joined with commas; control characters are dropped.
 */
public class ClaimsToHeadersGatewayFilterFactory
		extends AbstractGatewayFilterFactory<ClaimsToHeadersGatewayFilterFactory.Config> {

	public ClaimsToHeadersGatewayFilterFactory() {
		super(Config.class);
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
		List<Mapping> mappings = new ArrayList<>();
		for (String entry : config.getMappings()) {
			for (String item : entry.split(",")) {
				if (item.isBlank()) {
					continue;
				}
				int colon = item.lastIndexOf(':');
				if (colon <= 0 || colon == item.length() - 1) {
					throw new IllegalArgumentException(
							"ClaimsToHeaders mapping '" + item.trim() + "' must be claim:Header-Name");
				}
				String header = item.substring(colon + 1).trim();
				if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
					throw new IllegalArgumentException("ClaimsToHeaders: '" + header + "' is not a valid header name");
				}
				mappings.add(new Mapping(ClaimPath.of(item.substring(0, colon)), header));
			}
		}
		if (mappings.isEmpty()) {
			throw new IllegalArgumentException("ClaimsToHeaders needs at least one claim:Header mapping");
		}
		return new OrderedGatewayFilter((exchange, chain) -> {
			Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
			ServerHttpRequest request = exchange.getRequest().mutate().headers(headers -> {
				for (Mapping m : mappings) {
					headers.remove(m.header);
					if (caller != null && caller.jwt() != null) {
						List<String> values = m.claim.values(caller.jwt().getClaims());
						if (!values.isEmpty()) {
							headers.set(m.header, clean(String.join(",", values)));
						}
					}
				}
			}).build();
			return chain.filter(exchange.mutate().request(request).build());
		}, RouteAuthenticationFilter.ORDER + 2);
	}

	static String clean(String value) {
		StringBuilder sb = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c != 0x7f) {
				sb.append(c);
			}
		}
		return sb.toString();
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
