package io.tollgate.policy.net;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;

import io.tollgate.policy.http.Refusal;

/**
 * The request firewall, in one pass over the request line and the header values: the
 * rules of Spring Security's {@code StrictServerWebExchangeFirewall} (its defaults),
 * judged once per request instead of through a wrapper that re-validates every header on
 * every read. Refused:
 * <ul>
 * <li>methods other than DELETE, GET, HEAD, OPTIONS, PATCH, POST and PUT (TRACE, CONNECT,
 * made-up verbs);</li>
 * <li>in the path: {@code ;}, {@code \}, {@code //}, a {@code .} or {@code ..} segment,
 * characters outside printable ASCII, and percent-escapes of {@code . / \ ; %}, of
 * control characters and of U+2028/U+2029 (so what the gateway routes on and what the
 * upstream decodes cannot differ), or a malformed escape;</li>
 * <li>in the query: percent-escapes of control characters;</li>
 * <li>in header values: control characters other than horizontal tab (C0, DEL, C1).
 * Header names are HTTP tokens already: Netty refuses anything else while parsing.</li>
 * </ul>
 */
public final class RequestFirewall {

	/** The methods served, as answered in {@code Allow}. */
	public static final String ALLOWED_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

	private RequestFirewall() {
	}

	/** Why the request is refused, or null when it passes. */
	@Nullable
	public static Refusal judge(ServerHttpRequest request, @Nullable HttpServerRequest nativeRequest) {
		if (!methodAllowed(request.getMethod())) {
			return Refusal.METHOD;
		}
		if (!pathOk(request.getURI().getRawPath())) {
			return Refusal.PATH;
		}
		String query = request.getURI().getRawQuery();
		if (query != null && !queryOk(query)) {
			return Refusal.QUERY;
		}
		boolean headersOk = nativeRequest != null ? headerValuesOk(nativeRequest.requestHeaders())
				: headerValuesOk(request.getHeaders());
		return headersOk ? null : Refusal.HEADER_VALUE;
	}

	static boolean methodAllowed(HttpMethod method) {
		return method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.PUT
				|| method == HttpMethod.DELETE || method == HttpMethod.PATCH || method == HttpMethod.HEAD
				|| method == HttpMethod.OPTIONS;
	}

	static boolean pathOk(@Nullable String raw) {
		if (raw == null) {
			return true;
		}
		int n = raw.length();
		if (dotSegment(raw, 0, n)) {
			return false;
		}
		for (int i = 0; i < n; i++) {
			char c = raw.charAt(i);
			if (c < 0x20 || c > 0x7e || c == ';' || c == '\\') {
				return false;
			}
			if (c == '/') {
				if ((i + 1 < n && raw.charAt(i + 1) == '/') || dotSegment(raw, i + 1, n)) {
					return false;
				}
			}
			else if (c == '%') {
				int v = escape(raw, i, n);
				if (v < 0 || v < 0x20 || v == 0x7f || v == '.' || v == '/' || v == '\\' || v == ';' || v == '%'
						|| (v == 0xe2 && lineOrParagraphSeparator(raw, i + 3, n))) {
					return false;
				}
				i += 2;
			}
		}
		return true;
	}

	static boolean queryOk(String raw) {
		int n = raw.length();
		for (int i = 0; i < n; i++) {
			char c = raw.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				return false;
			}
			if (c == '%') {
				int v = escape(raw, i, n);
				if (v >= 0 && (v < 0x20 || v == 0x7f)) {
					return false;
				}
			}
		}
		return true;
	}

	static boolean headerValuesOk(io.netty.handler.codec.http.HttpHeaders headers) {
		Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
		while (entries.hasNext()) {
			if (!valueOk(entries.next().getValue())) {
				return false;
			}
		}
		return true;
	}

	static boolean headerValuesOk(HttpHeaders headers) {
		for (Map.Entry<String, List<String>> entry : headers.headerSet()) {
			for (String value : entry.getValue()) {
				if (!valueOk(value)) {
					return false;
				}
			}
		}
		return true;
	}

	static boolean valueOk(CharSequence value) {
		for (int i = 0, n = value.length(); i < n; i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
				return false;
			}
		}
		return true;
	}

	/** A {@code .} or {@code ..} segment starting at {@code start}. */
	private static boolean dotSegment(String raw, int start, int n) {
		if (start >= n || raw.charAt(start) != '.') {
			return false;
		}
		int end = start + 1;
		if (end < n && raw.charAt(end) == '.') {
			end++;
		}
		return end == n || raw.charAt(end) == '/';
	}

	/** The byte of the escape at {@code i} ({@code %XX}), or -1 when malformed. */
	private static int escape(String raw, int i, int n) {
		if (i + 2 >= n) {
			return -1;
		}
		int hi = Character.digit(raw.charAt(i + 1), 16);
		int lo = Character.digit(raw.charAt(i + 2), 16);
		return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
	}

	/**
	 * {@code %80%A8} or {@code %80%A9} at {@code i}: after {@code %E2}, U+2028 or U+2029.
	 */
	private static boolean lineOrParagraphSeparator(String raw, int i, int n) {
		return escape(raw, i, n) == 0x80 && i + 3 < n && raw.charAt(i + 3) == '%'
				&& (escape(raw, i + 3, n) == 0xa8 || escape(raw, i + 3, n) == 0xa9);
	}

}
