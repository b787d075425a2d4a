package io.tollgate.policy.auth;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key choice from a JWKS shaped like real identity providers publish them: a signing key
 * carrying an {@code x5c} certificate chain, and an encryption key under the same
 * {@code kid}.
 */
class JwksKeySelectionTest {

	static RSAKey signingWithChain;

	static RSAKey encryption;

	static String jwks;

	@BeforeAll
	static void keys(@TempDir Path dir) throws Exception {
		// a real self-signed certificate from the JDK's keytool, so x5c holds a genuine
		// chain
		Path store = dir.resolve("idp.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "idp", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=idp.test",
				"-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
				"-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
		KeyStore ks = KeyStore.getInstance("PKCS12");
		try (FileInputStream in = new FileInputStream(store.toFile())) {
			ks.load(in, "changeit".toCharArray());
		}
		X509Certificate cert = (X509Certificate) ks.getCertificate("idp");
		signingWithChain = new RSAKey.Builder((RSAPublicKey) cert.getPublicKey())
			.privateKey((PrivateKey) ks.getKey("idp", "changeit".toCharArray()))
			.keyID("shared-kid")
			.keyUse(KeyUse.SIGNATURE)
			.x509CertChain(List.of(Base64.encode(cert.getEncoded())))
			.build();
		encryption = new RSAKeyGenerator(2048).keyID("shared-kid").keyUse(KeyUse.ENCRYPTION).generate();
		jwks = new JWKSet(List.of(encryption.toPublicJWK(), signingWithChain.toPublicJWK())).toString();
		assertThat(jwks).contains("\"x5c\"").contains("\"enc\"");
	}

	private ReactiveJwtDecoder decoder(AtomicInteger fetches) {
		JwtProperties properties = new JwtProperties();
		OAuth2ResourceServerProperties.Jwt jwt = new OAuth2ResourceServerProperties.Jwt();
		JwksCache cache = new JwksCache(() -> Mono.fromSupplier(() -> {
			fetches.incrementAndGet();
			return jwks;
		}), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10), Clock.systemUTC());
		return TollgateJwtAutoConfiguration.decoder(cache, Set.of(JWSAlgorithm.RS256),
				TollgateJwtAutoConfiguration.validator(jwt, properties), properties, Clock.systemUTC());
	}

	private static String token(RSAKey key) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("shared-kid").build(),
				new JWTClaimsSet.Builder().subject("alice")
					.expirationTime(Date.from(Instant.now().plusSeconds(300)))
					.build());
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	@Test
	void whenKidIsSharedWithAnEncryptionKey_thenTheSigningKeyWithItsChainVerifies() throws Exception {
		AtomicInteger fetches = new AtomicInteger();
		StepVerifier.create(decoder(fetches).decode(token(signingWithChain)))
			.assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("alice"))
			.verifyComplete();
		assertThat(fetches).hasValue(1);
	}

	@Test
	void whenSignedWithTheEncryptionKey_thenRejected() throws Exception {
		StepVerifier.create(decoder(new AtomicInteger()).decode(token(encryption)))
			.expectError(JwtException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void whenTokenCarriesItsOwnX5c_thenItIsIgnored() throws Exception {
		RSAKey attacker = new RSAKeyGenerator(2048).generate();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("shared-kid")
					.x509CertChain(signingWithChain.getX509CertChain())
					.build(),
				new JWTClaimsSet.Builder().subject("mallory")
					.expirationTime(Date.from(Instant.now().plusSeconds(300)))
					.build());
		jwt.sign(new RSASSASigner(attacker));
		StepVerifier.create(decoder(new AtomicInteger()).decode(jwt.serialize()))
			.expectError(JwtException.class)
			.verify(Duration.ofSeconds(5));
	}

}
