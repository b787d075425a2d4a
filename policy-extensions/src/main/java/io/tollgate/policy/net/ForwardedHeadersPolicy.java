package io.tollgate.policy.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Decides the forwarding headers sent upstream. From a client that is not a trusted
 * proxy, every {@code Forwarded}/{@code X-Forwarded-*} header is dropped and Tollgate
 * states what it saw itself ({@code X-Forwarded-For} = TCP peer, {@code -Proto},
 * {@code -Host}, {@code -Port}). From a trusted proxy, its headers are kept and the peer
 * is appended to {@code X-Forwarded-For}. Runs last among the header filters so no other
 * filter re-adds client values.
 */
public final class ForwardedHeadersPolicy implements HttpHeadersFilter, Ordered {

	private final TrustedProxies proxies;

	public ForwardedHeadersPolicy(TrustedProxies proxies) {
		this.proxies = proxies;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = remote == null ? null : remote.getAddress();
		boolean trusted = proxies.isTrusted(peer);
		HttpHeaders out = withoutForwarding(input);
		HttpHeaders original = request.getHeaders();
		String peerText = peer == null ? null : peer.getHostAddress();
		if (trusted) {
			original.forEach((name, values) -> {
				if (isForwarding(name) && !name.equalsIgnoreCase("X-Forwarded-For")) {
					out.put(name, values);
				}
			});
			List<String> chain = original.get("X-Forwarded-For");
			String prior = chain == null ? null : String.join(", ", chain);
			if (peerText != null) {
				out.set("X-Forwarded-For", prior == null || prior.isBlank() ? peerText : prior + ", " + peerText);
			}
			else if (prior != null) {
				out.set("X-Forwarded-For", prior);
			}
		}
		else if (peerText != null) {
			out.set("X-Forwarded-For", peerText);
		}
		if (!out.containsHeader("X-Forwarded-Proto")) {
			out.set("X-Forwarded-Proto", request.getURI().getScheme());
		}
		String host = original.getFirst(HttpHeaders.HOST);
		if (host != null && !out.containsHeader("X-Forwarded-Host")) {
			out.set("X-Forwarded-Host", host);
		}
		InetSocketAddress local = request.getLocalAddress();
		if (local != null && !out.containsHeader("X-Forwarded-Port")) {
			out.set("X-Forwarded-Port", Integer.toString(local.getPort()));
		}
		return out;
	}

	/**
	 * The headers without any forwarding header: edited in place when they are a writable
	 * copy (what the header filters before this one hand over), copied otherwise.
	 */
	private static HttpHeaders withoutForwarding(HttpHeaders input) {
		List<String> forwarding = null;
		for (String name : input.headerNames()) {
			if (isForwarding(name)) {
				if (forwarding == null) {
					forwarding = new java.util.ArrayList<>(2);
				}
				forwarding.add(name);
			}
		}
		try {
			if (forwarding != null) {
				forwarding.forEach(input::remove);
			}
			// probe writability without changing anything the caller can see
			input.remove("X-Tollgate-Writable-Probe");
			return input;
		}
		catch (UnsupportedOperationException readOnly) {
			HttpHeaders out = new HttpHeaders();
			input.forEach((name, values) -> {
				if (!isForwarding(name)) {
					out.put(name, values);
				}
			});
			return out;
		}
	}

	static boolean isForwarding(String name) {
		// no lower-cased copy per header and request
		return name.equalsIgnoreCase("forwarded") || name.regionMatches(true, 0, "x-forwarded-", 0, 12)
				|| name.equalsIgnoreCase("x-real-ip");
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.REQUEST;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
