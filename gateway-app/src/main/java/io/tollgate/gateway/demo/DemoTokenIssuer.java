package io.tollgate.gateway.demo;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The demo's development token issuer: an RSA key generated at every start, never written
 * anywhere, and tokens for any subject, scope and tier on request.
 */
final class DemoTokenIssuer {

	static final String AUDIENCE = "tollgate-demo";

	private final String issuer;

	private final RSAKey key;

	DemoTokenIssuer(String issuer) {
		this.issuer = issuer;
		try {
			this.key = new RSAKeyGenerator(2048).keyID("demo-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate the demo issuer's RSA key", ex);
		}
	}

	String issuer() {
		return issuer;
	}

	String jwks() {
		return new JWKSet(key.toPublicJWK()).toString();
	}

	String discovery() {
		return "{\"issuer\":" + Json.quote(issuer) + ",\"jwks_uri\":" + Json.quote(issuer + "/.well-known/jwks.json")
				+ "}";
	}

	String token(String sub, String scope, String tier, long ttlSeconds) throws JOSEException {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
			.subject(sub)
			.audience(AUDIENCE)
			.claim("scope", scope)
			.claim("azp", "demo-client")
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(ttlSeconds)))
			.jwtID(UUID.randomUUID().toString());
		if (tier != null) {
			claims.claim("tier", tier);
		}
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims.build());
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

}
