package io.tollgate.policy.auth;

import java.util.Base64;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Refuses a token before any JSON parser sees it when it is too long, is not three
 * base64url parts ({@code header.payload.signature}), or nests its header or payload JSON
 * deeper than allowed. A recursive parser fed hostile nesting is the cost this bounds.
 */
public final class PreParseLimitsJwtDecoder implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final int maxTokenLength;

	private final int maxJsonDepth;

	public PreParseLimitsJwtDecoder(ReactiveJwtDecoder delegate, int maxTokenLength, int maxJsonDepth) {
		this.delegate = delegate;
		this.maxTokenLength = maxTokenLength;
		this.maxJsonDepth = maxJsonDepth;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		try {
			check(token);
		}
		catch (BadJwtException ex) {
			return Mono.error(ex);
		}
		return delegate.decode(token);
	}

	private void check(String token) {
		if (token.length() > maxTokenLength) {
			throw new BadJwtException("Token is larger than " + maxTokenLength + " characters");
		}
		int first = token.indexOf('.');
		int second = first < 0 ? -1 : token.indexOf('.', first + 1);
		if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0 || second == token.length() - 1) {
			throw new BadJwtException("Token is not a signed JWT (header.payload.signature)");
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.';
			if (!ok) {
				throw new BadJwtException("Token contains characters outside base64url");
			}
		}
		checkDepth(token, 0, first, "header");
		checkDepth(token, first + 1, second, "payload");
	}

	private void checkDepth(String token, int from, int to, String part) {
		byte[] json;
		try {
			json = Base64.getUrlDecoder().decode(token.substring(from, to));
		}
		catch (IllegalArgumentException ex) {
			throw new BadJwtException("Malformed token " + part);
		}
		int depth = 0;
		boolean inString = false;
		for (int i = 0; i < json.length; i++) {
			byte b = json[i];
			if (inString) {
				if (b == '\\') {
					i++;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '{' || b == '[') {
				if (++depth > maxJsonDepth) {
					throw new BadJwtException("Token " + part + " nests deeper than " + maxJsonDepth + " levels");
				}
			}
			else if (b == '}' || b == ']') {
				depth--;
			}
		}
	}

}
