package io.tollgate.policy.http;

import org.springframework.http.HttpStatus;

/**
 * Why the edge refused a request or connection. The tag is the {@code reason} of the
 * {@code tollgate.http.refused} metric and the kind of its throttled log line.
 */
public enum Refusal {

	/** The request line or a header could not be parsed. */
	MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "The request could not be parsed"),

	/** The body's framing (chunk sizes, chunk extensions, trailers) is malformed. */
	MALFORMED_BODY("malformed-body", HttpStatus.BAD_REQUEST, "The request body is malformed"),

	/** The header section exceeds {@code server.max-http-request-header-size}. */
	HEADERS_TOO_LARGE("headers-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
			"The request headers are too large"),

	/** The request line exceeds {@code server.netty.max-initial-line-length}. */
	REQUEST_LINE_TOO_LONG("request-line-too-long", HttpStatus.URI_TOO_LONG, "The request line is too long"),

	/** {@code Transfer-Encoding} other than exactly {@code chunked}, or with a length. */
	TRANSFER_ENCODING("transfer-encoding", HttpStatus.BAD_REQUEST, "Unsupported or malformed Transfer-Encoding"),

	/** Several, missing, malformed or contradicting {@code Host}. */
	HOST("host", HttpStatus.BAD_REQUEST, "The Host header is missing, repeated, malformed or contradicts the target"),

	/** A protocol version other than HTTP/1.0, HTTP/1.1 or HTTP/2. */
	HTTP_VERSION("http-version", HttpStatus.HTTP_VERSION_NOT_SUPPORTED,
			"Only HTTP/1.0, HTTP/1.1 and HTTP/2 are served"),

	/** A method other than DELETE, GET, HEAD, OPTIONS, PATCH, POST or PUT. */
	METHOD("method", HttpStatus.METHOD_NOT_ALLOWED, "This HTTP method is not served"),

	/**
	 * A path with a forbidden or encoded separator, a dot segment or a character outside
	 * printable ASCII.
	 */
	PATH("path", HttpStatus.BAD_REQUEST,
			"The request path contains a forbidden character, an encoded separator or a dot segment"),

	/** A query with a percent-encoded control character. */
	QUERY("query", HttpStatus.BAD_REQUEST, "The query contains an encoded control character"),

	/** A header value with a control character. */
	HEADER_VALUE("header-value", HttpStatus.BAD_REQUEST, "A header value contains a control character"),

	/** Several {@code Authorization} headers. */
	AUTHORIZATION("authorization", HttpStatus.BAD_REQUEST, "Send exactly one Authorization header"),

	/**
	 * The header section did not arrive within
	 * {@code tollgate.http.request-header-timeout}.
	 */
	HEADER_TIMEOUT("header-timeout", HttpStatus.REQUEST_TIMEOUT, "The request headers did not arrive in time"),

	/**
	 * This replica already has {@code tollgate.http.max-concurrent-requests} in flight.
	 */
	OVERLOADED("overloaded", HttpStatus.SERVICE_UNAVAILABLE, "The gateway is at its limit of concurrent requests"),

	/**
	 * More concurrent connections from one client than
	 * {@code max-connections-per-client}.
	 */
	CONNECTION_LIMIT("connection-limit", HttpStatus.TOO_MANY_REQUESTS, "Too many connections from this client");

	private final String tag;

	private final HttpStatus status;

	private final String detail;

	Refusal(String tag, HttpStatus status, String detail) {
		this.tag = tag;
		this.status = status;
		this.detail = detail;
	}

	public String tag() {
		return tag;
	}

	public HttpStatus status() {
		return status;
	}

	/** The problem detail sent to the client and logged; never contains request data. */
	public String detail() {
		return detail;
	}

}
