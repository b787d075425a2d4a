package io.tollgate.policy.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.core.convert.converter.Converter;
import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Validates bearer JWTs for Spring Security's resource server, closing the gaps of the
 * library defaults: size and nesting limits before parsing, an algorithm allow-list, no
 * {@code crit} headers, keys only from the configured JWKS (never from {@code jku},
 * {@code x5u}, {@code jwk} or {@code x5c}), a JWKS refetch cooldown for unknown kids, and
 * a cache of validated tokens that never outlives {@code exp}. Claims are validated with
 * Spring Security's validators.
 */
public final class TollgateJwtDecoder implements ReactiveJwtDecoder {

	private static final Converter<Map<String, Object>, Map<String, Object>> CLAIM_CONVERTER = MappedJwtClaimSetConverter
		.withDefaults(Map.of());

	private final JwksCache keys;

	private final Set<JWSAlgorithm> algorithms;

	private final Set<String> allowedTypes;

	private final OAuth2TokenValidator<Jwt> validator;

	private final int maxTokenLength;

	private final int maxJsonDepth;

	private final Clock clock;

	@Nullable
	private final Cache<String, Jwt> cache;

	public TollgateJwtDecoder(JwksCache keys, Set<JWSAlgorithm> algorithms, OAuth2TokenValidator<Jwt> validator,
			JwtProperties properties, Clock clock) {
		this.keys = keys;
		this.algorithms = Set.copyOf(algorithms);
		this.allowedTypes = properties.getAllowedTypes()
			.stream()
			.map(t -> t.toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		this.validator = validator;
		this.maxTokenLength = properties.getMaxTokenLength();
		this.maxJsonDepth = properties.getMaxJsonDepth();
		this.clock = clock;
		JwtProperties.Cache c = properties.getCache();
		this.cache = c.isEnabled() ? Caffeine.newBuilder()
			.maximumSize(c.getMaxSize())
			.expireAfter(new UntilExpiry(c.getMaxTtl(), clock))
			.build() : null;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		if (cache != null) {
			Jwt hit = cache.getIfPresent(token);
			if (hit != null) {
				Instant exp = hit.getExpiresAt();
				if (exp != null && clock.instant().isBefore(exp)) {
					return Mono.just(hit);
				}
				cache.invalidate(token);
			}
		}
		SignedJWT jwt;
		JWSHeader header;
		try {
			jwt = parse(token);
			header = jwt.getHeader();
			checkHeader(header);
		}
		catch (BadJwtException ex) {
			return Mono.error(ex);
		}
		return keys.verifiers(header.getKeyID(), header.getAlgorithm()).flatMap(verifiers -> {
			if (verifiers.isEmpty()) {
				return Mono.error(new BadJwtException("No signing key matches the token's kid and alg"));
			}
			try {
				Jwt valid = verifyAndValidate(token, jwt, verifiers);
				if (cache != null) {
					cache.put(token, valid);
				}
				return Mono.just(valid);
			}
			catch (RuntimeException ex) {
				return Mono.error(ex);
			}
		});
	}

	private SignedJWT parse(String token) {
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
		try {
			return SignedJWT.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			throw new BadJwtException("Malformed token", ex);
		}
	}

	/** Rejects deeply nested JSON before a recursive parser sees it. */
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

	private void checkHeader(JWSHeader header) {
		JWSAlgorithm alg = header.getAlgorithm();
		if (alg == null || !algorithms.contains(alg)) {
			throw new BadJwtException("Token algorithm is not accepted");
		}
		if (header.getType() != null && !allowedTypes.contains(header.getType().getType().toLowerCase(Locale.ROOT))) {
			throw new BadJwtException("Token type (typ) is not accepted");
		}
		if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
			throw new BadJwtException("Token has critical header parameters that are not understood");
		}
	}

	private Jwt verifyAndValidate(String token, SignedJWT jwt, List<JWSVerifier> verifiers) {
		boolean verified = false;
		for (JWSVerifier verifier : verifiers) {
			try {
				if (jwt.verify(verifier)) {
					verified = true;
					break;
				}
			}
			catch (JOSEException | IllegalStateException ex) {
				// wrong key for this signature: try the next candidate
			}
		}
		if (!verified) {
			throw new BadJwtException("Invalid signature");
		}
		Map<String, Object> claims;
		try {
			claims = CLAIM_CONVERTER.convert(jwt.getJWTClaimsSet().getClaims());
		}
		catch (ParseException | RuntimeException ex) {
			throw new BadJwtException("Malformed claims", ex);
		}
		Map<String, Object> headers = new LinkedHashMap<>(jwt.getHeader().toJSONObject());
		Jwt result;
		try {
			result = Jwt.withTokenValue(token).headers(h -> h.putAll(headers)).claims(c -> c.putAll(claims)).build();
		}
		catch (IllegalArgumentException ex) {
			throw new BadJwtException("Malformed claims", ex);
		}
		OAuth2TokenValidatorResult outcome = validator.validate(result);
		if (outcome.hasErrors()) {
			String description = outcome.getErrors().iterator().next().getDescription();
			throw new JwtValidationException(description, outcome.getErrors());
		}
		return result;
	}

	/**
	 * Cached tokens expire at their {@code exp}, or after the maximum TTL if that comes
	 * first.
	 */
	private static final class UntilExpiry implements Expiry<String, Jwt> {

		private final long maxTtlNanos;

		private final Clock clock;

		UntilExpiry(Duration maxTtl, Clock clock) {
			this.maxTtlNanos = maxTtl.toNanos();
			this.clock = clock;
		}

		@Override
		public long expireAfterCreate(String key, Jwt value, long currentTime) {
			Instant exp = value.getExpiresAt();
			if (exp == null) {
				return 0;
			}
			long untilExp = Duration.between(clock.instant(), exp).toNanos();
			return Math.max(0, Math.min(untilExp, maxTtlNanos));
		}

		@Override
		public long expireAfterUpdate(String key, Jwt value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(String key, Jwt value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
