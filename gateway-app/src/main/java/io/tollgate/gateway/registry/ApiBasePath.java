package io.tollgate.gateway.registry;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/**
 * The rules of an API's {@code basePath}: {@code /} or {@code /seg/seg...} without a
 * trailing slash, each segment made of unreserved and a few sub-delimiter characters. No
 * percent-encoding at all (so no {@code %2e} or {@code %2f} tricks) and no {@code ;}
 * (path parameters are not matched), so the path as written is its only spelling: it is
 * its own normal form, and the index compares it to the request's decoded segments.
 */
public final class ApiBasePath {

	static final int MAX_LENGTH = 256;

	static final int MAX_SEGMENTS = 32;

	private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()*+,=:@-]+");

	private ApiBasePath() {
	}

	/** Why the path is refused, or null when it is fine. */
	@Nullable
	public static String error(String path) {
		if (path.isEmpty() || path.charAt(0) != '/') {
			return "must start with '/'";
		}
		if (path.length() > MAX_LENGTH) {
			return "must be at most " + MAX_LENGTH + " characters";
		}
		if (path.toLowerCase(Locale.ROOT).contains("%2e")) {
			return "must not contain '%2e'";
		}
		if (path.indexOf('%') >= 0) {
			return "must not contain percent-encoding: write the characters themselves";
		}
		if (path.contains("..")) {
			return "must not contain '..'";
		}
		if (path.contains("//")) {
			return "must not contain '//'";
		}
		if (path.length() > 1 && path.endsWith("/")) {
			return "must not end with '/': " + path.substring(0, path.length() - 1) + " already matches "
					+ path.substring(0, path.length() - 1) + "/ and everything below it";
		}
		if (path.equals("/")) {
			return null;
		}
		List<String> segments = segments(path);
		if (segments.size() > MAX_SEGMENTS) {
			return "must have at most " + MAX_SEGMENTS + " segments";
		}
		for (String segment : segments) {
			if (segment.equals(".")) {
				return "must not contain '.' segments";
			}
			if (!SEGMENT.matcher(segment).matches()) {
				return "segment '" + segment
						+ "' may only contain letters, digits and - . _ ~ ! $ & ' ( ) * + , = : @ (no ';', '?', '#' or '\\')";
			}
		}
		return null;
	}

	/** The segments of a valid base path ({@code /} has none). */
	public static List<String> segments(String path) {
		if (path.equals("/")) {
			return List.of();
		}
		return List.of(path.substring(1).split("/", -1));
	}

}
