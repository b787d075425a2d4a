package io.tollgate.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * What a call names in its path and query: ids, {@code dryRun}, {@code limit},
 * {@code cursor}; each refused with a 400 naming the parameter.
 */
final class AdminRequests {

	/** The ids of plans, consumers and APIs. */
	static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	/** Key ids are chosen by the key service: letters, digits, {@code _ - .}. */
	static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

	private static final String CURSOR_PREFIX = "c1:";

	private AdminRequests() {
	}

	static String id(ServerRequest request) {
		return checked(request.pathVariable("id"), "id", ID);
	}

	static String keyId(ServerRequest request) {
		return checked(request.pathVariable("keyId"), "keyId", KEY_ID);
	}

	static String checked(String value, String field, Pattern pattern) {
		if (!pattern.matcher(value).matches()) {
			throw AdminProblems.badRequest(field, "must match " + pattern.pattern());
		}
		return value;
	}

	static boolean dryRun(ServerRequest request) {
		String value = request.queryParam("dryRun").orElse(null);
		if (value == null || value.equals("false")) {
			return false;
		}
		if (value.equals("true") || value.isEmpty()) {
			return true;
		}
		throw AdminProblems.badRequest("dryRun", "must be true or false");
	}

	static int limit(ServerRequest request, int defaultLimit, int maxLimit) {
		String value = request.queryParam("limit").orElse(null);
		if (value == null) {
			return defaultLimit;
		}
		try {
			int limit = Integer.parseInt(value);
			if (limit >= 1 && limit <= maxLimit) {
				return limit;
			}
		}
		catch (NumberFormatException ex) {
			// refused below
		}
		throw AdminProblems.badRequest("limit", "must be a whole number from 1 to " + maxLimit);
	}

	/** The id the page starts after, or null for the first page. */
	@Nullable
	static String cursor(ServerRequest request) {
		String value = request.queryParam("cursor").orElse(null);
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
			if (decoded.startsWith(CURSOR_PREFIX) && ID.matcher(decoded.substring(CURSOR_PREFIX.length())).matches()) {
				return decoded.substring(CURSOR_PREFIX.length());
			}
		}
		catch (IllegalArgumentException ex) {
			// refused below
		}
		throw AdminProblems.badRequest("cursor", "is not a cursor this API handed out");
	}

	/** The opaque cursor of the page after {@code lastId}. */
	static String cursorAfter(String lastId) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((CURSOR_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
	}

}
