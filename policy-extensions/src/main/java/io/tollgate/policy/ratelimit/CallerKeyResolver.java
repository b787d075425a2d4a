package io.tollgate.policy.ratelimit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.net.TrustedProxies;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns a request into the caller part of its rate-limit keys, or null when the identity
 * the route is keyed on is missing (the filter answers 401: an unidentified request is
 * never lumped into a shared bucket).
 */
@FunctionalInterface
public interface CallerKeyResolver {

	@Nullable
	String resolve(ServerWebExchange exchange);

	/**
	 * Whether a missing key means an unauthenticated caller (401) rather than a
	 * configuration the request lacks.
	 */
	default boolean identityBased() {
		return true;
	}

	/**
	 * Builds the resolver for a {@code key} argument: principal, consumer, claim:NAME,
	 * header:NAME, ip, api-key, route or global.
	 */
	static CallerKeyResolver parse(String spec, TrustedProxies proxies, String routeId) {
		String s = spec == null || spec.isBlank() ? "principal" : spec.trim();
		String lower = s.toLowerCase(Locale.ROOT);
		CallerKeyResolver ip = exchange -> {
			InetAddress address = proxies.clientAddress(exchange.getRequest());
			return address == null ? null : "ip:" + address.getHostAddress();
		};
		if (lower.startsWith("claim:")) {
			String claim = s.substring(6).trim();
			if (claim.isEmpty()) {
				throw new IllegalArgumentException("ClusterRateLimit key 'claim:' needs a claim name");
			}
			String prefix = "claim:" + claim + ":";
			return exchange -> {
				Optional<Caller> caller = Caller.of(exchange);
				if (caller.isEmpty() || caller.get().jwt() == null) {
					return null;
				}
				Object value = caller.get().jwt().getClaims().get(claim);
				return value == null ? null : prefix + safe(value.toString());
			};
		}
		if (lower.startsWith("header:")) {
			String header = s.substring(7).trim();
			if (header.isEmpty()) {
				throw new IllegalArgumentException("ClusterRateLimit key 'header:' needs a header name");
			}
			String prefix = "header:" + header.toLowerCase(Locale.ROOT) + ":";
			return new CallerKeyResolver() {
				@Override
				public String resolve(ServerWebExchange exchange) {
					String value = exchange.getRequest().getHeaders().getFirst(header);
					return value == null || value.isBlank() ? ip.resolve(exchange) : prefix + safe(value.trim());
				}

				@Override
				public boolean identityBased() {
					return false;
				}
			};
		}
		return switch (lower) {
			case "principal" -> exchange -> Caller.of(exchange)
				.map(Caller::principal)
				.filter(p -> !p.isBlank())
				.map(p -> "principal:" + safe(p))
				.orElse(null);
			case "consumer" ->
				exchange -> Caller.of(exchange).map(Caller::consumer).map(c -> "consumer:" + safe(c)).orElse(null);
			// API keys resolve to a consumer; until they have their own field the
			// consumer is the key's identity
			case "api-key" ->
				exchange -> Caller.of(exchange).map(Caller::consumer).map(c -> "api-key:" + safe(c)).orElse(null);
			case "ip" -> new CallerKeyResolver() {
				@Override
				public String resolve(ServerWebExchange exchange) {
					return ip.resolve(exchange);
				}

				@Override
				public boolean identityBased() {
					return false;
				}
			};
			case "route" -> constant("route:" + routeId);
			case "global" -> constant("global");
			default -> throw new IllegalArgumentException("Unknown ClusterRateLimit key '" + spec
					+ "': use principal, consumer, claim:NAME, header:NAME, ip, api-key, route or global");
		};
	}

	private static CallerKeyResolver constant(String key) {
		return new CallerKeyResolver() {
			@Override
			public String resolve(ServerWebExchange exchange) {
				return key;
			}

			@Override
			public boolean identityBased() {
				return false;
			}
		};
	}

	/**
	 * Keeps caller-supplied values from bloating keys or breaking the hash tag: long or
	 * unusual values are replaced by their SHA-256.
	 */
	static String safe(String value) {
		if (value.length() <= 64) {
			boolean plain = true;
			for (int i = 0; i < value.length() && plain; i++) {
				char c = value.charAt(i);
				plain = c > 0x20 && c < 0x7f && c != '{' && c != '}';
			}
			if (plain) {
				return value;
			}
		}
		try {
			// the UTF-16 code units themselves: an encoder would map every lone surrogate
			// to '?',
			// and two different identities must never share a key
			byte[] units = new byte[value.length() * 2];
			for (int i = 0; i < value.length(); i++) {
				units[2 * i] = (byte) (value.charAt(i) >> 8);
				units[2 * i + 1] = (byte) value.charAt(i);
			}
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(units);
			return "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 unavailable", ex);
		}
	}

}
