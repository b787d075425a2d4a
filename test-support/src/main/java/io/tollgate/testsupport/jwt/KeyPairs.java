package io.tollgate.testsupport.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * An RSA 2048 and an EC P-256 signing key pair (private JWKs; {@code toPublicJWK()} for
 * the public half).
 */
public record KeyPairs(RSAKey rsa, ECKey ec) {

	/** Generates a fresh pair with the given key ids. */
	public static KeyPairs generate(String rsaKid, String ecKid) {
		return new KeyPairs(generateRsa(rsaKid), generateEc(ecKid));
	}

	static RSAKey generateRsa(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
		}
		catch (JOSEException e) {
			throw new IllegalStateException("cannot generate RSA key", e);
		}
	}

	static ECKey generateEc(String kid) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.ES256)
				.generate();
		}
		catch (JOSEException e) {
			throw new IllegalStateException("cannot generate EC key", e);
		}
	}
}
