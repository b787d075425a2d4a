package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.test.StepVerifier;

import io.tollgate.testsupport.jwt.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder against a real JWKS endpoint: caching, its bound by {@code exp}, and
 * key-fetch economy.
 */
class TollgateJwtDecoderTest {

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	private ReactiveJwtDecoder decoder(Duration skew, boolean cache) {
		JwtProperties properties = new JwtProperties();
		properties.setClockSkew(skew);
		properties.getCache().setEnabled(cache);
		OAuth2ResourceServerProperties.Jwt jwt = new OAuth2ResourceServerProperties.Jwt();
		jwt.setIssuerUri(idp.issuer());
		jwt.getAudiences().add(idp.audience());
		JwksCache keys = new JwksCache(JwksFetcher.fromJwkSetUri(idp.jwksUri(), Duration.ofSeconds(2)),
				properties.getJwksRefreshCooldown(), properties.getJwksRetryInterval(), properties.getJwksMaxAge(),
				Clock.systemUTC());
		return TollgateJwtAutoConfiguration.decoder(keys, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
				TollgateJwtAutoConfiguration.validator(jwt, properties), properties, Clock.systemUTC());
	}

	@Test
	void whenSameTokenDecodedTwice_thenSecondIsServedFromCache() {
		ReactiveJwtDecoder decoder = decoder(Duration.ofSeconds(30), true);
		String token = idp.token("alice", "orders:read");
		Jwt first = decoder.decode(token).block(Duration.ofSeconds(5));
		Jwt second = decoder.decode(token).block(Duration.ofSeconds(5));
		assertThat(second).isSameAs(first);
		assertThat(first.getSubject()).isEqualTo("alice");
	}

	@Test
	void whenCachedTokenReachesExp_thenItIsNoLongerAccepted() throws Exception {
		ReactiveJwtDecoder decoder = decoder(Duration.ZERO, true);
		String token = idp.tokenBuilder().subject("bob").expiresAt(Instant.now().plusMillis(1500)).sign();
		StepVerifier.create(decoder.decode(token)).expectNextCount(1).verifyComplete();
		Thread.sleep(2100);
		StepVerifier.create(decoder.decode(token)).expectError(JwtException.class).verify(Duration.ofSeconds(5));
	}

	@Test
	void whenCacheDisabled_thenEveryDecodeVerifiesAgain() {
		ReactiveJwtDecoder decoder = decoder(Duration.ofSeconds(30), false);
		String token = idp.token("carol");
		Jwt first = decoder.decode(token).block(Duration.ofSeconds(5));
		Jwt second = decoder.decode(token).block(Duration.ofSeconds(5));
		assertThat(second).isNotSameAs(first);
		assertThat(second.getTokenValue()).isEqualTo(first.getTokenValue());
	}

	@Test
	void whenManyTokensWithKnownKid_thenJwksFetchedOnce() {
		ReactiveJwtDecoder decoder = decoder(Duration.ofSeconds(30), false);
		idp.resetCounters();
		for (int i = 0; i < 20; i++) {
			decoder.decode(idp.token("user-" + i)).block(Duration.ofSeconds(5));
		}
		assertThat(idp.jwksRequests()).isEqualTo(1);
	}

}
