package io.tollgate.testsupport.jwt;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestIdentityProviderTest {

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeEach
	void reset() {
		idp.setAvailable(true);
		idp.includeEncKey(true);
		idp.resetCounters();
	}

	@Test
	void whenJwksFetched_thenRsaEcAndEncPublicKeysAreServedWithoutX5cAndCounted() throws Exception {
		HttpResponse<String> response = get(idp.jwksUri());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
		JWKSet set = JWKSet.parse(response.body());
		assertThat(set.getKeys()).extracting(JWK::getKeyID).contains("rsa-1", "ec-1", "enc-1");
		assertThat(set.getKeys()).allMatch(k -> !k.isPrivate()).allMatch(k -> k.getX509CertChain() == null);
		assertThat(set.getKeyByKeyId("enc-1").getKeyUse()).isEqualTo(KeyUse.ENCRYPTION);
		assertThat(set.getKeyByKeyId("rsa-1").getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
		assertThat(response.body()).doesNotContain("\"d\"", "x5c");
		assertThat(idp.jwksRequests()).isEqualTo(1);

		idp.includeEncKey(false);
		assertThat(JWKSet.parse(get(idp.jwksUri()).body()).getKeyByKeyId("enc-1")).isNull();
		assertThat(idp.jwksRequests()).isEqualTo(2);
	}

	@Test
	void whenDiscoveryFetched_thenIssuerAndJwksUriPointAtTheProvider() throws Exception {
		HttpResponse<String> response = get(idp.issuer() + "/.well-known/openid-configuration");

		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> doc = JSONObjectUtils.parse(response.body());
		assertThat(doc).containsEntry("issuer", "http://127.0.0.1:" + idp.port())
			.containsEntry("jwks_uri", idp.jwksUri());
		assertThat(idp.discoveryRequests()).isEqualTo(1);
		assertThat(get(idp.issuer() + "/nope").statusCode()).isEqualTo(404);
	}

	@Test
	void whenTokenIssued_thenItVerifiesAgainstTheServedJwksWithExpectedClaims() throws Exception {
		String token = idp.token("alice", "orders:read", "orders:write");

		JWTClaimsSet claims = verify(token, fetchJwks());

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo("rsa-1");
		assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
		assertThat(claims.getSubject()).isEqualTo("alice");
		assertThat(claims.getIssuer()).isEqualTo(idp.issuer());
		assertThat(claims.getAudience()).containsExactly("tollgate-tests");
		assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read orders:write");
		assertThat(claims.getExpirationTime().toInstant()).isBetween(Instant.now().plusSeconds(290),
				Instant.now().plusSeconds(301));
		assertThat(claims.getIssueTime()).isNotNull();
		assertThat(claims.getNotBeforeTime()).isNotNull();
	}

	@Test
	void whenEs256OrCustomClaimsRequested_thenTokensStillVerify() throws Exception {
		JWKSet jwks = fetchJwks();
		String es = idp.tokenBuilder().es256().subject("bob").sign();
		assertThat(SignedJWT.parse(es).getHeader().getKeyID()).isEqualTo("ec-1");
		assertThat(verify(es, jwks).getSubject()).isEqualTo("bob");

		String custom = idp.token(c -> c.subject("carol").claim("azp", "client-7").audience("other"));
		JWTClaimsSet claims = verify(custom, jwks);
		assertThat(claims.getStringClaim("azp")).isEqualTo("client-7");
		assertThat(claims.getAudience()).containsExactly("other");

		String viaSignWith = idp.signWith(JWSAlgorithm.RS256, new JWTClaimsSet.Builder().subject("dan").build(),
				Map.of("typ", "at+jwt"), "rsa-1");
		assertThat(SignedJWT.parse(viaSignWith).getHeader().getType().getType()).isEqualTo("at+jwt");
		assertThat(verify(viaSignWith, jwks).getSubject()).isEqualTo("dan");
	}

	@Test
	void whenBuilderOmitsOrBendsClaimsAndHeaders_thenTokenCarriesExactlyThat() throws Exception {
		String token = idp.tokenBuilder()
			.subject("eve")
			.without("exp")
			.notBefore(Instant.now().plusSeconds(3600))
			.type(null)
			.kid(null)
			.jku("http://evil.example/jwks")
			.x5u("http://evil.example/cert")
			.jwk(idp.attackerKeys().rsa())
			.audience("a", "b")
			.sign();

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getType()).isNull();
		assertThat(jwt.getHeader().getKeyID()).isNull();
		assertThat(jwt.getHeader().getJWKURL()).hasToString("http://evil.example/jwks");
		assertThat(jwt.getHeader().getX509CertURL()).hasToString("http://evil.example/cert");
		assertThat(jwt.getHeader().getJWK().isPrivate()).isFalse();
		assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isNull();
		assertThat(jwt.getJWTClaimsSet().getNotBeforeTime()).isAfter(java.util.Date.from(Instant.now()));
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("a", "b");

		String hs = idp.tokenBuilder().subject("x").hs256("short").sign();
		assertThat(SignedJWT.parse(hs).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
		assertThat(SignedJWT.parse(hs).getHeader().getKeyID()).isNull();

		String raw = TestIdentityProvider.rawToken("{\"alg\":\"none\"}", "{\"sub\":\"root\"}", "");
		assertThat(raw).endsWith(".");
		assertThat(com.nimbusds.jwt.JWTParser.parse(raw).getJWTClaimsSet().getSubject()).isEqualTo("root");
	}

	@Test
	void whenSignedWithAttackerKey_thenVerificationFailsEvenWithLegitimateKid() throws Exception {
		String forged = idp.tokenBuilder().subject("mallory").signedWith(idp.attackerKeys().rsa()).kid("rsa-1").sign();
		assertThat(SignedJWT.parse(forged).getHeader().getKeyID()).isEqualTo("rsa-1");
		JWKSet jwks = fetchJwks();
		assertThatThrownBy(() -> verify(forged, jwks)).isInstanceOf(BadJOSEException.class);
		assertThat(jwks.getKeyByKeyId("attacker-rsa")).isNull();
	}

	@Test
	void whenSignedWithThePublishedEncryptionKey_thenSignatureChecksOutButKeyUseForbidsIt() throws Exception {
		String token = idp.tokenBuilder().subject("x").signedWith(idp.encKey()).sign();
		assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("enc-1");
		JWKSet jwks = fetchJwks();
		assertThat(SignedJWT.parse(token)
			.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(jwks.getKeyByKeyId("enc-1").toRSAKey()))).isTrue();
		assertThatThrownBy(() -> verify(token, jwks)).isInstanceOf(BadJOSEException.class);
	}

	@Test
	void whenRotated_thenNewKidSignsAndOldKeysStayPublishedUnlessDropped() throws Exception {
		TestIdentityProvider own = new TestIdentityProvider().start();
		try {
			String before = own.token("u");
			String kid = own.rotate();
			String after = own.token("u");
			assertThat(kid).isEqualTo("rsa-2");
			assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo("rsa-2");
			JWKSet jwks = JWKSet.parse(get(own.jwksUri()).body());
			verify(before, jwks);
			verify(after, jwks);

			own.rotate(true);
			JWKSet dropped = JWKSet.parse(get(own.jwksUri()).body());
			assertThat(dropped.getKeys()).extracting(JWK::getKeyID)
				.contains("rsa-3", "ec-1")
				.doesNotContain("rsa-1", "rsa-2");
			assertThatThrownBy(() -> verify(before, dropped)).isInstanceOf(BadJOSEException.class);
			verify(own.token("u"), dropped);
		}
		finally {
			own.close();
		}
	}

	@Test
	void whenUnavailable_thenEveryPathAnswers503AndJwksAttemptsAreCounted() throws Exception {
		idp.setAvailable(false);
		assertThat(get(idp.jwksUri()).statusCode()).isEqualTo(503);
		assertThat(get(idp.issuer() + "/.well-known/openid-configuration").statusCode()).isEqualTo(503);
		assertThat(idp.jwksRequests()).isEqualTo(1);
		idp.setAvailable(true);
		assertThat(get(idp.jwksUri()).statusCode()).isEqualTo(200);
	}

	@Test
	void whenStoppedThenStarted_thenConnectionsAreRefusedMeanwhileAndTheSamePortServesAgain() throws Exception {
		TestIdentityProvider own = new TestIdentityProvider().start();
		try {
			String issuer = own.issuer();
			own.stop();
			assertThatThrownBy(() -> get(own.jwksUri())).isInstanceOf(IOException.class);
			own.start();
			assertThat(own.issuer()).isEqualTo(issuer);
			assertThat(get(own.jwksUri()).statusCode()).isEqualTo(200);
		}
		finally {
			own.close();
		}
	}

	private JWKSet fetchJwks() throws Exception {
		return JWKSet.parse(get(idp.jwksUri()).body());
	}

	private static JWTClaimsSet verify(String token, JWKSet jwks) throws Exception {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSTypeVerifier(
				new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
				new ImmutableJWKSet<>(jwks)));
		return processor.process(token, null);
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
