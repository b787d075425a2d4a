package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import io.tollgate.policy.identity.Caller;

/**
 * Remembers validated tokens so a hot token is verified once, not on every request. An
 * entry never outlives the token's {@code exp} (nor {@code maxTtl}); a hit is a cache
 * lookup plus an {@code exp} check. Hands out the same {@link Jwt} instance for a cached
 * token, which {@link CachingJwtAuthenticationConverter} relies on.
 */
public final class CachingJwtDecoder implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final Clock clock;

	private final Cache<String, Entry> cache;

	public CachingJwtDecoder(ReactiveJwtDecoder delegate, long maxSize, Duration maxTtl, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfter(new UntilExpiry(maxTtl, clock)).build();
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Entry hit = valid(token);
		if (hit != null) {
			return Mono.just(hit.jwt());
		}
		return delegate.decode(token).doOnNext(valid -> cache.put(token, new Entry(valid, Caller.fromJwt(valid))));
	}

	/**
	 * The caller of a token validated before and not expired, without any {@link Mono}:
	 * what a request with a hot token costs. Null when the token must be decoded.
	 */
	@Nullable
	public Caller cachedCaller(String token) {
		Entry hit = valid(token);
		return hit == null ? null : hit.caller();
	}

	@Nullable
	private Entry valid(String token) {
		Entry hit = cache.getIfPresent(token);
		if (hit == null) {
			return null;
		}
		Instant exp = hit.jwt().getExpiresAt();
		if (exp != null && clock.instant().isBefore(exp)) {
			return hit;
		}
		cache.invalidate(token);
		return null;
	}

	/** A validated token and its caller, made once per token. */
	private record Entry(Jwt jwt, Caller caller) {
	}

	/**
	 * Cached tokens expire at their {@code exp}, or after the maximum TTL if that comes
	 * first.
	 */
	private static final class UntilExpiry implements Expiry<String, Entry> {

		private final Duration maxTtl;

		private final Clock clock;

		UntilExpiry(Duration maxTtl, Clock clock) {
			this.maxTtl = maxTtl;
			this.clock = clock;
		}

		@Override
		public long expireAfterCreate(String key, Entry value, long currentTime) {
			Instant exp = value.jwt().getExpiresAt();
			if (exp == null) {
				return 0;
			}
			Duration untilExp = Duration.between(clock.instant(), exp);
			// compared as durations: a far-future exp must not overflow a nanosecond
			// count
			Duration ttl = untilExp.compareTo(maxTtl) < 0 ? untilExp : maxTtl;
			return ttl.isNegative() ? 0 : saturatedNanos(ttl);
		}

		private static long saturatedNanos(Duration d) {
			try {
				return d.toNanos();
			}
			catch (ArithmeticException ex) {
				return Long.MAX_VALUE;
			}
		}

		@Override
		public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
