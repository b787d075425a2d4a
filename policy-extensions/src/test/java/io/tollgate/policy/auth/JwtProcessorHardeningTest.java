package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link JwtProcessorHardening} and {@link JwksCache} add to Spring Security's
 * Nimbus decoder, against a JWKS holding an RSA and a P-256 signing key, a P-384 key, an
 * RSA encryption key and a symmetric key. Every refusal is a {@link BadJwtException} (401
 * at the resource server, never a server error).
 */
class JwtProcessorHardeningTest {

	static RSAKey rsa;

	static RSAKey rsa2;

	static ECKey p256;

	static ECKey p384;

	static RSAKey enc;

	static OctetSequenceKey oct;

	static String jwks;

	@BeforeAll
	static void keys() throws Exception {
		rsa = new RSAKeyGenerator(2048).keyID("rsa").keyUse(KeyUse.SIGNATURE).generate();
		rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
		p256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
		p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
		enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
		oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
		jwks = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), rsa2.toPublicJWK(), p256.toPublicJWK(), p384.toPublicJWK(),
				enc.toPublicJWK(), oct))
			.toString(false);
	}

	private final AtomicInteger fetches = new AtomicInteger();

	private ReactiveJwtDecoder decoder() {
		JwtProperties properties = new JwtProperties();
		properties.getCache().setEnabled(false);
		JwksCache keys = new JwksCache(() -> Mono.fromSupplier(() -> {
			fetches.incrementAndGet();
			return jwks;
		}), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10), Clock.systemUTC());
		return TollgateJwtAutoConfiguration.decoder(keys, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
				TollgateJwtAutoConfiguration.validator(new OAuth2ResourceServerProperties.Jwt(), properties),
				properties, Clock.systemUTC());
	}

	private static String sign(JWSHeader header, JWSSigner signer) throws Exception {
		SignedJWT jwt = new SignedJWT(header,
				new JWTClaimsSet.Builder().subject("alice")
					.expirationTime(Date.from(Instant.now().plusSeconds(300)))
					.build());
		jwt.sign(signer);
		return jwt.serialize();
	}

	private static JWSHeader.Builder rs256(String kid) {
		return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid);
	}

	private void assertAccepted(String token) {
		StepVerifier.create(decoder().decode(token))
			.assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("alice"))
			.verifyComplete();
	}

	private void assertRefused(String token) {
		StepVerifier.create(decoder().decode(token)).expectError(BadJwtException.class).verify(Duration.ofSeconds(5));
	}

	@Test
	void whenValidRs256AndEs256_thenAccepted() throws Exception {
		assertAccepted(sign(rs256("rsa").build(), new RSASSASigner(rsa)));
		assertAccepted(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").build(), new ECDSASigner(p256)));
	}

	@Test
	void whenCritNamesAnyParameter_thenRefused_evenB64ThatNimbusUnderstands() throws Exception {
		assertRefused(sign(rs256("rsa").criticalParams(Set.of("exp")).build(), new RSASSASigner(rsa)));
		assertRefused(sign(rs256("rsa").criticalParams(Set.of("b64")).base64URLEncodePayload(true).build(),
				new RSASSASigner(rsa)));
	}

	@Test
	void whenTypIsAnAllowedTypeInAnyCase_orAbsent_thenAccepted_elseRefused() throws Exception {
		assertAccepted(sign(rs256("rsa").type(new JOSEObjectType("jwt")).build(), new RSASSASigner(rsa)));
		assertAccepted(sign(rs256("rsa").type(new JOSEObjectType("AT+JWT")).build(), new RSASSASigner(rsa)));
		assertAccepted(sign(rs256("rsa").build(), new RSASSASigner(rsa)));
		assertRefused(sign(rs256("rsa").type(JOSEObjectType.JOSE).build(), new RSASSASigner(rsa)));
	}

	@Test
	void whenAlgorithmNotAllowed_thenRefused_evenWithAKnownKidOfTheRightType() throws Exception {
		assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa").build(), new RSASSASigner(rsa)));
		assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("rsa").build(), new RSASSASigner(rsa)));
	}

	@Test
	void whenSymmetricAlgorithm_thenRefusedWithoutAskingTheJwks() throws Exception {
		assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("oct").build(), new MACSigner(oct)));
		assertThat(fetches).as("no JWKS fetch for a key type that is never kept").hasValue(0);
	}

	@Test
	void whenKidNamesAKeyOfAnotherCurve_thenRefused() throws Exception {
		// ES256 header, kid of the P-384 key: no candidate, so no verifier mismatch
		// either
		assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p384").build(), new ECDSASigner(p256)));
	}

	@Test
	void whenKidNamesAnEncryptionKey_thenRefused() throws Exception {
		assertRefused(sign(rs256("enc").build(), new RSASSASigner(enc)));
	}

	@Test
	void whenNoKid_thenTheSigningKeysOfTheAlgorithmsKeyTypeAreTried() throws Exception {
		assertAccepted(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), new RSASSASigner(rsa2)));
		assertAccepted(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), new ECDSASigner(p256)));
		assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), new RSASSASigner(enc)));
	}

	@Test
	void whenSignatureIsGarbage_thenRefused() throws Exception {
		String token = sign(rs256("rsa").build(), new RSASSASigner(rsa));
		assertRefused(token.substring(0, token.lastIndexOf('.') + 1) + "c2ln");
		String es = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").build(), new ECDSASigner(p256));
		assertRefused(es.substring(0, es.lastIndexOf('.') + 1) + "c2ln");
	}

	@Test
	void whenJwksHoldsUnusableKeys_thenTheRestStillValidate() throws Exception {
		JwksCache keys = new JwksCache(() -> Mono.just(jwks), Duration.ofSeconds(30), Duration.ofSeconds(1),
				Duration.ofMinutes(10), Clock.systemUTC());
		StepVerifier.create(keys.signingKeys(rs256(null).build()).map(JWK::getKeyID).collectList())
			.assertNext(ids -> assertThat(ids).containsExactlyInAnyOrder("rsa", "rsa-2"))
			.verifyComplete();
		assertThat(keys.size()).as("RSA and EC signing keys only").isEqualTo(4);
	}

	@Test
	void whenRefused_thenTheMessageIsGenericForKeysAndSignatures_andNamesTheClaimForClaims() throws Exception {
		String forged = sign(rs256("rsa").build(), new RSASSASigner(rsa2));
		StepVerifier.create(decoder().decode(forged))
			.expectErrorSatisfies(
					ex -> assertThat(ex).isInstanceOf(BadJwtException.class).hasMessage("Failed to validate the token"))
			.verify(Duration.ofSeconds(5));
		SignedJWT expired = new SignedJWT(rs256("rsa").build(),
				new JWTClaimsSet.Builder().subject("alice")
					.expirationTime(Date.from(Instant.now().minusSeconds(600)))
					.build());
		expired.sign(new RSASSASigner(rsa));
		StepVerifier.create(decoder().decode(expired.serialize()))
			.expectErrorSatisfies(
					ex -> assertThat(ex).isInstanceOf(BadJwtException.class).hasMessageStartingWith("Jwt expired at"))
			.verify(Duration.ofSeconds(5));
	}

}
