package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.OutageLog;

/**
 * The identity provider's signing keys, fetched without blocking and kept between
 * fetches.
 * <ul>
 * <li>An unknown {@code kid} refetches at most once per cooldown, whatever the number of
 * requests; concurrent misses share one fetch.</li>
 * <li>A failed fetch never drops the keys already known: they keep validating while the
 * JWKS endpoint is down.</li>
 * <li>Only RSA and EC signing keys count ({@code use} absent or {@code sig}); {@code enc}
 * keys and symmetric or OKP keys are ignored.</li>
 * </ul>
 * It is the key source of Spring Security's {@code NimbusReactiveJwtDecoder}
 * ({@code withJwkSource}): it hands out the candidate keys for a token header, and Nimbus
 * verifies. Spring Security's {@code ReactiveRemoteJWKSource} refetches on every unknown
 * kid, and Nimbus's rate-limited source blocks on I/O, hence this class.
 */
public final class JwksCache {

	private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

	private final Supplier<Mono<String>> jwksFetcher;

	private final Duration refreshCooldown;

	private final Duration retryInterval;

	private final Duration maxAge;

	private final Clock clock;

	private final OutageLog outage = new OutageLog("JWKS endpoint");

	private final AtomicReference<Keys> keys = new AtomicReference<>(Keys.EMPTY);

	private final AtomicReference<Mono<Keys>> inFlight = new AtomicReference<>();

	private volatile Instant lastAttempt = Instant.EPOCH;

	/**
	 * @param jwksFetcher emits the JWKS document (it may resolve the JWKS URI lazily,
	 * e.g. via OIDC discovery)
	 */
	public JwksCache(Supplier<Mono<String>> jwksFetcher, Duration refreshCooldown, Duration retryInterval,
			Duration maxAge, Clock clock) {
		this.jwksFetcher = jwksFetcher;
		this.refreshCooldown = refreshCooldown;
		this.retryInterval = retryInterval;
		this.maxAge = maxAge;
		this.clock = clock;
	}

	/**
	 * The candidate keys for a token header: the signing key with its {@code kid}, or
	 * every signing key of the algorithm's key type (and curve) when the token names no
	 * kid. Empty when none is known even after a permitted refresh; never an error.
	 */
	public Flux<JWK> signingKeys(JWSHeader header) {
		JWSAlgorithm alg = header.getAlgorithm();
		if (!JWSAlgorithm.Family.RSA.contains(alg) && !JWSAlgorithm.Family.EC.contains(alg)) {
			return Flux.empty(); // no such key is ever kept: nothing to fetch
		}
		JWKSelector selector = selector(header);
		Keys current = keys.get();
		List<JWK> found = current.select(selector);
		Instant now = clock.instant();
		if (!found.isEmpty()) {
			if (current.fetchedAt != null && now.isAfter(current.fetchedAt.plus(maxAge))) {
				refreshIfAllowed(now, retryInterval).subscribe(k -> {
				}, ex -> {
				}); // background refresh; errors are logged by fetch()
			}
			return Flux.fromIterable(found);
		}
		Duration gap = current.fetchedAt == null ? retryInterval : refreshCooldown;
		return refreshIfAllowed(now, gap).map(k -> k.select(selector))
			.onErrorResume(ex -> Mono.just(keys.get().select(selector)))
			.flatMapIterable(list -> list);
	}

	/**
	 * Nimbus' matcher for the header (kid, key type, use, alg), narrowed to the curve.
	 */
	private static JWKSelector selector(JWSHeader header) {
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		Set<Curve> curves = Curve.forJWSAlgorithm(header.getAlgorithm());
		if (curves != null) {
			matcher = new JWKMatcher.Builder(matcher).curves(curves).build();
		}
		return new JWKSelector(matcher);
	}

	/** Number of keys known now (for health and tests). */
	public int size() {
		return keys.get().set.getKeys().size();
	}

	private Mono<Keys> refreshIfAllowed(Instant now, Duration gap) {
		Mono<Keys> running = inFlight.get();
		if (running != null) {
			return running;
		}
		synchronized (this) {
			running = inFlight.get();
			if (running != null) {
				return running;
			}
			if (now.isBefore(lastAttempt.plus(gap))) {
				return Mono.empty();
			}
			lastAttempt = now;
			Mono<Keys> fetch = fetch().doFinally(s -> inFlight.set(null)).cache();
			inFlight.set(fetch);
			return fetch;
		}
	}

	private Mono<Keys> fetch() {
		return Mono.defer(jwksFetcher).map(json -> {
			try {
				return Keys.of(JWKSet.parse(json), clock.instant());
			}
			catch (java.text.ParseException ex) {
				throw new IllegalStateException("JWKS document is not valid JSON Web Key Set: " + ex.getMessage(), ex);
			}
		}).doOnNext(k -> {
			keys.set(k);
			outage.succeeded();
			log.debug("Loaded {} signing keys from the JWKS endpoint", k.set.getKeys().size());
		}).doOnError(ex -> outage.failed(ex, "keeping " + keys.get().set.getKeys().size() + " cached signing keys"));
	}

	/** The usable signing keys of the last good JWKS document. */
	private record Keys(JWKSet set, @Nullable Instant fetchedAt) {

		static final Keys EMPTY = new Keys(new JWKSet(), null);

		static Keys of(JWKSet document, Instant fetchedAt) {
			List<JWK> usable = new ArrayList<>();
			for (JWK jwk : document.getKeys()) {
				if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
					continue;
				}
				try {
					// tried once here: an unusable key is skipped instead of failing
					// every token that names it
					if (jwk instanceof RSAKey rsa) {
						rsa.toRSAPublicKey();
					}
					else if (jwk instanceof ECKey ec) {
						ec.toECPublicKey();
					}
					else {
						continue; // symmetric or OKP keys: never accepted from a JWKS
					}
					usable.add(jwk.toPublicJWK());
				}
				catch (JOSEException | RuntimeException ex) {
					log.warn("Skipping unusable key '{}' in JWKS: {}", jwk.getKeyID(), ex.getMessage());
				}
			}
			return new Keys(new JWKSet(usable), fetchedAt);
		}

		List<JWK> select(JWKSelector selector) {
			return selector.select(set);
		}

	}

}
