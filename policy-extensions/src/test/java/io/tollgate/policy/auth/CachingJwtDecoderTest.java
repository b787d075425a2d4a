package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validated-token cache around a decoder that counts its calls and answers with a
 * token expiring at a chosen time.
 */
class CachingJwtDecoderTest {

	private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

	private final AtomicInteger calls = new AtomicInteger();

	private Instant exp = clock.instant().plusSeconds(60);

	private boolean fail;

	private final ReactiveJwtDecoder inner = token -> {
		calls.incrementAndGet();
		if (fail) {
			return Mono.error(new BadJwtException("bad"));
		}
		return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject("alice").expiresAt(exp).build());
	};

	private CachingJwtDecoder cache(Duration maxTtl) {
		return new CachingJwtDecoder(inner, 100, maxTtl, clock);
	}

	@Test
	void whenDecodedTwice_thenSecondIsTheSameInstanceWithoutCallingTheDecoder() {
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		Jwt first = decoder.decode("t").block();
		Jwt second = decoder.decode("t").block();
		assertThat(second).isSameAs(first);
		assertThat(calls).hasValue(1);
	}

	@Test
	void whenTokenWasValidated_thenItsCallerIsServedWithoutDecoding_untilExp() {
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		assertThat(decoder.cachedCaller("t")).as("never validated").isNull();
		Jwt jwt = decoder.decode("t").block();
		io.tollgate.policy.identity.Caller caller = decoder.cachedCaller("t");
		assertThat(caller).isNotNull();
		assertThat(caller.principal()).isEqualTo("alice");
		assertThat(caller.jwt()).isSameAs(jwt);
		assertThat(decoder.cachedCaller("t")).as("made once per token").isSameAs(caller);
		assertThat(calls).hasValue(1);
		clock.advance(Duration.ofSeconds(60));
		assertThat(decoder.cachedCaller("t")).as("at exp").isNull();
	}

	@Test
	void whenCachedTokenReachesExp_thenTheDecoderIsAskedAgain() {
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		decoder.decode("t").block();
		clock.advance(Duration.ofSeconds(60));
		fail = true;
		StepVerifier.create(decoder.decode("t")).expectError(BadJwtException.class).verify();
		assertThat(calls).hasValue(2);
	}

	@Test
	void whenDecoderFails_thenNothingIsCached() {
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		fail = true;
		StepVerifier.create(decoder.decode("t")).expectError(BadJwtException.class).verify();
		StepVerifier.create(decoder.decode("t")).expectError(BadJwtException.class).verify();
		assertThat(calls).hasValue(2);
	}

	@Test
	void whenTokenAlreadyExpired_thenItIsNotCached() {
		exp = clock.instant().minusSeconds(5); // accepted within clock skew by the
												// decoder
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		decoder.decode("t").block();
		decoder.decode("t").block();
		assertThat(calls).hasValue(2);
	}

	@Test
	void whenMaxTtlIsZero_thenNothingStaysCached() {
		CachingJwtDecoder decoder = cache(Duration.ZERO);
		decoder.decode("t").block();
		decoder.decode("t").block();
		assertThat(calls).hasValue(2);
	}

	@Test
	void whenExpIsFarInTheFuture_thenCachedForTheMaxTtlWithoutOverflow() {
		exp = Instant.parse("9999-12-31T23:59:59Z");
		CachingJwtDecoder decoder = cache(Duration.ofMinutes(5));
		Jwt first = decoder.decode("t").block();
		assertThat(decoder.decode("t").block()).isSameAs(first);
		assertThat(calls).hasValue(1);
	}

	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration d) {
			now = now.plus(d);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
