package io.tollgate.policy.net;

import java.util.List;
import java.util.Locale;

import io.netty.handler.codec.http.HttpVersion;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

import io.tollgate.policy.auth.BearerChallenge;
import io.tollgate.policy.http.Refusal;
import io.tollgate.policy.http.Refusals;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * Refuses requests whose meaning is ambiguous before anything else sees them (Spring
 * Security, routing, filters):
 * <ul>
 * <li>a {@code Transfer-Encoding} other than exactly {@code chunked}, or one with a
 * {@code Content-Length}: 400, connection closed (request smuggling, RFC 9112 section
 * 6.1; Netty itself rejects conflicting lengths);</li>
 * <li>several {@code Host} headers, none on HTTP/1.1, one that is not a host name or
 * address with an optional port, or one that differs from the authority of an
 * absolute-form target (RFC 9112 section 3.2): 400, connection closed;</li>
 * <li>a protocol version other than HTTP/1.0, HTTP/1.1 or HTTP/2: 505, connection
 * closed;</li>
 * <li>several {@code Authorization} headers: 400 {@code invalid_request} (RFC 6750
 * section 3.1); the connection stays usable.</li>
 * </ul>
 */
public final class RequestFramingWebFilter implements WebFilter, Ordered {

	private final Refusals refusals;

	public RequestFramingWebFilter(Refusals refusals) {
		this.refusals = refusals;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		if (!transferEncodingOk(headers)) {
			return refuse(exchange, Refusal.TRANSFER_ENCODING);
		}
		HttpServerRequest nativeRequest = nativeRequest(request);
		HttpVersion version = nativeRequest == null ? null : nativeRequest.version();
		if (version != null && !supported(version)) {
			return refuse(exchange, Refusal.HTTP_VERSION);
		}
		if (!hostOk(headers.get(HttpHeaders.HOST), version, nativeRequest == null ? null : nativeRequest.uri())) {
			return refuse(exchange, Refusal.HOST);
		}
		Refusal firewall = RequestFirewall.judge(request, nativeRequest);
		if (firewall != null) {
			refusals.record(firewall, request.getRemoteAddress());
			if (firewall == Refusal.METHOD) {
				exchange.getResponse().getHeaders().set(HttpHeaders.ALLOW, RequestFirewall.ALLOWED_METHODS);
			}
			return ProblemResponses.write(exchange, firewall.status(), ProblemResponses.title(firewall.status()),
					firewall.detail(), null);
		}
		List<String> authorization = headers.get(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.size() > 1) {
			refusals.record(Refusal.AUTHORIZATION, request.getRemoteAddress());
			return BearerChallenge.error(exchange, HttpStatus.BAD_REQUEST, "invalid_request",
					Refusal.AUTHORIZATION.detail());
		}
		return chain.filter(exchange);
	}

	private Mono<Void> refuse(ServerWebExchange exchange, Refusal refusal) {
		refusals.record(refusal, exchange.getRequest().getRemoteAddress());
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		return ProblemResponses.write(exchange, refusal.status(), ProblemResponses.title(refusal.status()),
				refusal.detail(), null);
	}

	static boolean transferEncodingOk(HttpHeaders headers) {
		List<String> te = headers.get(HttpHeaders.TRANSFER_ENCODING);
		return te == null || (te.size() == 1 && "chunked".equalsIgnoreCase(te.get(0).trim())
				&& !headers.containsHeader(HttpHeaders.CONTENT_LENGTH));
	}

	static boolean supported(HttpVersion version) {
		return (version.majorVersion() == 1 && (version.minorVersion() == 0 || version.minorVersion() == 1))
				|| (version.majorVersion() == 2 && version.minorVersion() == 0);
	}

	static boolean hostOk(@Nullable List<String> hosts, @Nullable HttpVersion version, @Nullable String target) {
		if (hosts == null || hosts.isEmpty()) {
			// HTTP/1.0 may omit Host; HTTP/2 carries :authority instead
			return version == null || !HttpVersion.HTTP_1_1.equals(version);
		}
		if (hosts.size() > 1 || !wellFormed(hosts.get(0))) {
			return false;
		}
		String authority = target == null ? null : absoluteFormAuthority(target);
		if (authority == null) {
			return true;
		}
		String scheme = scheme(target);
		return ("http".equals(scheme) || "https".equals(scheme)) && sameAuthority(authority, hosts.get(0), scheme);
	}

	/**
	 * {@code host [":" port]}: a DNS name or IPv4 address (letters, digits,
	 * {@code - . _}), or a bracketed IPv6 literal. Stricter than RFC 3986's reg-name on
	 * purpose: commas, spaces, {@code @} and percent-escapes in a Host only ever mean
	 * trouble.
	 */
	static boolean wellFormed(String host) {
		int n = host.length();
		if (n == 0 || n > 261) {
			return false;
		}
		int i = 0;
		if (host.charAt(0) == '[') {
			int end = host.indexOf(']');
			if (end < 2) {
				return false;
			}
			for (int j = 1; j < end; j++) {
				char c = host.charAt(j);
				if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
					return false;
				}
			}
			i = end + 1;
		}
		else {
			while (i < n && host.charAt(i) != ':') {
				char c = host.charAt(i);
				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
						|| c == '_')) {
					return false;
				}
				i++;
			}
			if (i == 0) {
				return false;
			}
		}
		if (i == n) {
			return true;
		}
		if (host.charAt(i) != ':' || n - i - 1 > 5) {
			return false;
		}
		for (int j = i + 1; j < n; j++) {
			if (host.charAt(j) < '0' || host.charAt(j) > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * The authority of an absolute-form target ({@code http://a.example/x}), else null.
	 */
	@Nullable
	static String absoluteFormAuthority(String target) {
		int sep = target.indexOf("://");
		if (sep <= 0 || target.startsWith("/")) {
			return null;
		}
		int start = sep + 3;
		int end = start;
		while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
			end++;
		}
		return target.substring(start, end);
	}

	private static String scheme(String target) {
		return target.substring(0, target.indexOf("://")).toLowerCase(Locale.ROOT);
	}

	static boolean sameAuthority(String authority, String host, String scheme) {
		if (authority.indexOf('@') >= 0) {
			return false; // userinfo has no place in an http(s) target (RFC 9110 section
							// 4.2.4)
		}
		return normalize(authority, scheme).equals(normalize(host, scheme));
	}

	private static String normalize(String authority, String scheme) {
		String a = authority.toLowerCase(Locale.ROOT);
		String defaultPort = "https".equals(scheme) ? ":443" : ":80";
		if (a.endsWith(defaultPort)) {
			a = a.substring(0, a.length() - defaultPort.length());
		}
		return a.endsWith(":") ? a.substring(0, a.length() - 1) : a;
	}

	@Nullable
	private static HttpServerRequest nativeRequest(ServerHttpRequest request) {
		try {
			Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
			return nativeRequest instanceof HttpServerRequest http ? http : null;
		}
		catch (IllegalArgumentException ex) {
			return null; // not served by Reactor Netty (a test harness, another server)
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
