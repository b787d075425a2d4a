package io.tollgate.policy.identity;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request headers only Tollgate may set: {@code X-Consumer-Id}, the headers of
 * {@code tollgate.security.identity-headers}, and every header any route's
 * {@code ClaimsToHeaders} maps, registered as routes are built (also by a refresh).
 * Client values of these headers are removed from every request before any route filter
 * runs ({@link IdentityHeadersWebFilter}). Names are only ever added: a header that was
 * an identity header once stays one until restart.
 */
public final class IdentityHeaders {

	public static final String CONSUMER_ID = "X-Consumer-Id";

	/**
	 * Headers that carry framing, credentials or forwarding: stripping them from every
	 * request would break the gateway, so they cannot be identity headers.
	 */
	private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "content-encoding",
			"transfer-encoding", "te", "trailer", "connection", "keep-alive", "proxy-connection", "upgrade", "expect",
			"authorization", "proxy-authorization", "cookie", "forwarded", "x-real-ip");

	private volatile List<String> names;

	public IdentityHeaders(Collection<String> configured) {
		Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		all.add(CONSUMER_ID);
		for (String name : configured) {
			if (name != null && !name.isBlank()) {
				String trimmed = name.trim();
				validate(trimmed);
				all.add(trimmed);
			}
		}
		this.names = List.copyOf(all);
	}

	/**
	 * Adds {@code header}; throws {@link IllegalArgumentException} for a name that cannot
	 * be one.
	 */
	public synchronized void register(String header) {
		validate(header);
		if (contains(header)) {
			return;
		}
		Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		all.addAll(names);
		all.add(header);
		names = List.copyOf(all);
	}

	/** The current names, in no particular case. */
	public List<String> names() {
		return names;
	}

	public boolean contains(String header) {
		for (String name : names) {
			if (name.equalsIgnoreCase(header)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A header field name (RFC 9110 token) that is not framing, credentials or
	 * forwarding.
	 */
	public static void validate(String header) {
		if (header == null || !header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
			throw new IllegalArgumentException("'" + header + "' is not a valid header name");
		}
		String lower = header.toLowerCase(Locale.ROOT);
		if (RESERVED.contains(lower) || lower.startsWith("x-forwarded-")) {
			throw new IllegalArgumentException("'" + header + "' cannot be an identity header: it carries framing, "
					+ "credentials or forwarding information that every request needs");
		}
	}

}
