package io.tollgate.testsupport.upstream;

import java.util.List;
import java.util.Map;

/**
 * A request as {@link TestUpstream} saw it. Header names are lower-cased; values keep
 * their order.
 *
 * @param method HTTP method
 * @param path path without query
 * @param query raw query string, "" when none
 * @param headers lower-cased header name to its values
 * @param body request body as UTF-8 text, "" when none
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
		String body) {

	/** First value of the (case-insensitive) header, or null. */
	public String header(String name) {
		List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
		return values == null || values.isEmpty() ? null : values.get(0);
	}
}
