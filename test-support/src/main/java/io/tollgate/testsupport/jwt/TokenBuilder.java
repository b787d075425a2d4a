package io.tollgate.testsupport.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fluent builder for a signed JWT from {@link TestIdentityProvider#tokenBuilder()}.
 * Starts as a valid token (RS256 with the provider's current key, typ JWT, kid of that
 * key, iss, aud, iat, nbf = now, exp = now + 5 min, jti) and lets a test set or omit any
 * claim or header. Passing {@code null} to a claim/header setter omits it.
 */
public final class TokenBuilder {

	private final TestIdentityProvider provider;

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private final Map<String, Object> header = new LinkedHashMap<>();

	private JWSAlgorithm alg = JWSAlgorithm.RS256;

	private JWK key;

	private byte[] secret;

	TokenBuilder(TestIdentityProvider provider, Instant now) {
		this.provider = provider;
		claims.put("iss", provider.issuer());
		claims.put("aud", provider.audience());
		claims.put("iat", now.getEpochSecond());
		claims.put("nbf", now.getEpochSecond());
		claims.put("exp", now.plus(TestIdentityProvider.DEFAULT_LIFETIME).getEpochSecond());
		claims.put("jti", UUID.randomUUID().toString());
		header.put("typ", "JWT");
	}

	// ---- claims

	/** {@code sub}. */
	public TokenBuilder subject(String sub) {
		return claim("sub", sub);
	}

	/** {@code scope} as the space separated list of {@code scopes}. */
	public TokenBuilder scopes(String... scopes) {
		return claim("scope", String.join(" ", scopes));
	}

	/** {@code scope} verbatim. */
	public TokenBuilder scope(String scope) {
		return claim("scope", scope);
	}

	/** {@code iss}. */
	public TokenBuilder issuer(String iss) {
		return claim("iss", iss);
	}

	/**
	 * {@code aud}: a string for one value, an array for several, omitted for none/null.
	 */
	public TokenBuilder audience(String... aud) {
		if (aud == null || aud.length == 0) {
			return claim("aud", null);
		}
		return claim("aud", aud.length == 1 ? aud[0] : List.of(aud));
	}

	/** {@code exp} = now + {@code lifetime} (negative for an expired token). */
	public TokenBuilder expiresIn(Duration lifetime) {
		return expiresAt(Instant.now().plus(lifetime));
	}

	/** {@code exp}; null omits it. */
	public TokenBuilder expiresAt(Instant exp) {
		return claim("exp", exp == null ? null : exp.getEpochSecond());
	}

	/** {@code nbf}; null omits it. */
	public TokenBuilder notBefore(Instant nbf) {
		return claim("nbf", nbf == null ? null : nbf.getEpochSecond());
	}

	/** {@code iat}; null omits it. */
	public TokenBuilder issuedAt(Instant iat) {
		return claim("iat", iat == null ? null : iat.getEpochSecond());
	}

	/** {@code azp} (the OAuth client id as Keycloak-style issuers send it). */
	public TokenBuilder authorizedParty(String azp) {
		return claim("azp", azp);
	}

	/** Any claim; an {@link Instant} becomes epoch seconds; null omits the claim. */
	public TokenBuilder claim(String name, Object value) {
		if (value == null) {
			claims.remove(name);
		}
		else {
			claims.put(name, value instanceof Instant ? ((Instant) value).getEpochSecond() : value);
		}
		return this;
	}

	/** Omits the named claims (e.g. {@code without("exp")}). */
	public TokenBuilder without(String... claimNames) {
		Arrays.stream(claimNames).forEach(claims::remove);
		return this;
	}

	// ---- header

	/** {@code typ} header ("JWT" by default); null omits it. */
	public TokenBuilder type(String typ) {
		return header("typ", typ);
	}

	/** {@code kid} header (default: the signing key's id); null omits it. */
	public TokenBuilder kid(String kid) {
		header.put("kid", kid);
		return this;
	}

	/** {@code jku} header. */
	public TokenBuilder jku(String jku) {
		return header("jku", jku);
	}

	/** {@code x5u} header. */
	public TokenBuilder x5u(String x5u) {
		return header("x5u", x5u);
	}

	/** {@code jwk} header: the public half of {@code jwk} embedded in the token. */
	public TokenBuilder jwk(JWK jwk) {
		return header("jwk", jwk == null ? null : jwk.toPublicJWK().toJSONObject());
	}

	/** {@code crit} header. */
	public TokenBuilder crit(String... names) {
		return header("crit", List.of(names));
	}

	/**
	 * Any header; null omits it. Setting {@code alg} here only changes what the header
	 * claims, not how the token is signed (for alg confusion cases).
	 */
	public TokenBuilder header(String name, Object value) {
		if (value == null) {
			header.remove(name);
		}
		else {
			header.put(name, value instanceof URI ? value.toString() : value);
		}
		return this;
	}

	// ---- algorithm and key

	/** RS256 with the provider's current RSA key (default). */
	public TokenBuilder rs256() {
		return algorithm(JWSAlgorithm.RS256);
	}

	/** ES256 with the provider's EC key ("ec-1"). */
	public TokenBuilder es256() {
		return algorithm(JWSAlgorithm.ES256);
	}

	/** HS256 with a shared secret (any length); no kid unless set. */
	public TokenBuilder hs256(String secret) {
		return hmac(JWSAlgorithm.HS256, secret.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * HMAC ({@code HS256/384/512}) with a shared secret (any length); no kid unless set.
	 */
	public TokenBuilder hmac(JWSAlgorithm hmacAlg, byte[] secret) {
		this.alg = hmacAlg;
		this.secret = secret.clone();
		this.key = null;
		return this;
	}

	/**
	 * RS256/384/512, PS256/384/512 (provider's current RSA key) or ES256 (provider's EC
	 * key).
	 */
	public TokenBuilder algorithm(JWSAlgorithm algorithm) {
		this.alg = algorithm;
		this.secret = null;
		this.key = null;
		return this;
	}

	/**
	 * Signs with {@code privateKey} (e.g. from
	 * {@link TestIdentityProvider#attackerKeys()}) instead of a provider key, with RS256
	 * for an RSA key and ES256 for an EC key unless {@link #signingAlgorithm} says
	 * otherwise; kid defaults to that key's id.
	 */
	public TokenBuilder signedWith(JWK privateKey) {
		this.key = privateKey;
		this.secret = null;
		this.alg = privateKey instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
		return this;
	}

	/** The algorithm used to sign (and written to the header), keeping the chosen key. */
	public TokenBuilder signingAlgorithm(JWSAlgorithm algorithm) {
		this.alg = algorithm;
		return this;
	}

	/** The compact serialized token. */
	public String sign() {
		Map<String, Object> h = new LinkedHashMap<>();
		h.put("alg", alg.getName());
		h.putAll(header);
		if (secret != null) {
			h.values().removeIf(v -> v == null);
			return JwsSigning.hmac(h, claims, alg, secret);
		}
		JWK signingKey = key != null ? key : providerKey();
		if (!header.containsKey("kid") && signingKey.getKeyID() != null) {
			Map<String, Object> withKid = new LinkedHashMap<>();
			withKid.put("alg", h.remove("alg"));
			withKid.put("kid", signingKey.getKeyID());
			withKid.putAll(h);
			h = withKid;
		}
		h.values().removeIf(v -> v == null);
		return JwsSigning.sign(h, claims, alg, signingKey);
	}

	private JWK providerKey() {
		if (JWSAlgorithm.Family.EC.contains(alg)) {
			return provider.ecKey();
		}
		if (JWSAlgorithm.Family.RSA.contains(alg)) {
			return provider.rsaKey();
		}
		throw new IllegalArgumentException("no provider key for " + alg + "; use hmac(...) or signedWith(...)");
	}

	/** Alias of {@link #sign()}. */
	public String build() {
		return sign();
	}

}
