package io.tollgate.policy.problem;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes RFC 9457 {@code application/problem+json} bodies. Hand-built JSON keeps this off
 * the object mapper on hot error paths (429, 401); every value is escaped.
 */
public final class ProblemResponses {

	public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	/**
	 * Exchange attribute holding the request's trace id (set while tracing is on); every
	 * problem body then carries it as {@code traceId}, so a support ticket matches a log
	 * line and a trace.
	 */
	public static final String TRACE_ID_ATTRIBUTE = ProblemResponses.class.getName() + ".traceId";

	private ProblemResponses() {
	}

	/**
	 * Completes the exchange with a problem body. {@code extensions} are extra members
	 * (strings, numbers, booleans); headers already set on the response are kept.
	 */
	public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String title,
			@Nullable String detail, @Nullable Map<String, ?> extensions) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(status);
		response.getHeaders().setContentType(PROBLEM_JSON);
		Object traceId = exchange.getAttribute(TRACE_ID_ATTRIBUTE);
		if (traceId != null) {
			Map<String, Object> withTrace = new LinkedHashMap<>();
			if (extensions != null) {
				withTrace.putAll(extensions);
			}
			withTrace.put("traceId", traceId.toString());
			extensions = withTrace;
		}
		byte[] body = json(status, title, detail, exchange.getRequest().getPath().value(), extensions)
			.getBytes(StandardCharsets.UTF_8);
		response.getHeaders().setContentLength(body.length);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, @Nullable String detail) {
		return write(exchange, status, title(status), detail, null);
	}

	public static String title(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		return known != null ? known.getReasonPhrase() : "HTTP " + status.value();
	}

	public static String json(HttpStatusCode status, String title, @Nullable String detail, @Nullable String instance,
			@Nullable Map<String, ?> extensions) {
		StringBuilder sb = new StringBuilder(160);
		sb.append("{\"type\":\"about:blank\",\"title\":");
		quote(sb, title);
		sb.append(",\"status\":").append(status.value());
		if (detail != null) {
			sb.append(",\"detail\":");
			quote(sb, detail);
		}
		if (instance != null) {
			sb.append(",\"instance\":");
			quote(sb, instance);
		}
		if (extensions != null) {
			for (Map.Entry<String, ?> e : extensions.entrySet()) {
				sb.append(',');
				quote(sb, e.getKey());
				sb.append(':');
				Object v = e.getValue();
				if (v instanceof Number || v instanceof Boolean) {
					sb.append(v);
				}
				else if (v == null) {
					sb.append("null");
				}
				else {
					quote(sb, v.toString());
				}
			}
		}
		return sb.append('}').toString();
	}

	private static void quote(StringBuilder sb, String s) {
		sb.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x2028 || c == 0x2029) {
						sb.append(String.format("\\u%04x", (int) c));
					}
					else {
						sb.append(c);
					}
				}
			}
		}
		sb.append('"');
	}

}
