package io.tollgate.testsupport.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * Compact JWS serialization from header and payload maps taken as-is, so tests can
 * produce any header (unknown crit, jku, embedded jwk, alg not matching the key...) that
 * Nimbus' typed header would refuse to build.
 */
final class JwsSigning {

	private JwsSigning() {
	}

	static String encodeJson(Map<String, ?> json) {
		return Base64URL.encode(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8)).toString();
	}

	/**
	 * Signs with a private RSA or EC JWK using {@code alg} (the header's "alg" is not
	 * consulted).
	 */
	static String sign(Map<String, Object> header, Map<String, Object> payload, JWSAlgorithm alg, JWK key) {
		String signingInput = encodeJson(header) + "." + encodeJson(payload);
		try {
			JWSSigner signer;
			if (key instanceof RSAKey) {
				signer = new RSASSASigner((RSAKey) key);
			}
			else if (key instanceof ECKey) {
				signer = new ECDSASigner((ECKey) key);
			}
			else {
				throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
			}
			Base64URL signature = signer.sign(new JWSHeader(alg), signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + signature;
		}
		catch (JOSEException e) {
			throw new IllegalArgumentException("cannot sign with " + alg + " and " + key.getKeyType() + " key "
					+ key.getKeyID() + ": " + e.getMessage(), e);
		}
	}

	/**
	 * HMAC-signs with any secret length (HS256/384/512), so weak secrets can be tested
	 * too.
	 */
	static String hmac(Map<String, Object> header, Map<String, Object> payload, JWSAlgorithm alg, byte[] secret) {
		String javaName;
		if (JWSAlgorithm.HS256.equals(alg)) {
			javaName = "HmacSHA256";
		}
		else if (JWSAlgorithm.HS384.equals(alg)) {
			javaName = "HmacSHA384";
		}
		else if (JWSAlgorithm.HS512.equals(alg)) {
			javaName = "HmacSHA512";
		}
		else {
			throw new IllegalArgumentException(alg + " is not an HMAC algorithm");
		}
		String signingInput = encodeJson(header) + "." + encodeJson(payload);
		try {
			Mac mac = Mac.getInstance(javaName);
			mac.init(new SecretKeySpec(secret, javaName));
			byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + Base64URL.encode(sig);
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

}
