package io.tollgate.policy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
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
 * <li>Only signing keys count ({@code use} absent or {@code sig}); {@code enc} keys are
 * ignored.</li>
 * </ul>
 * Spring Security's {@code ReactiveRemoteJWKSource} refetches on every unknown kid, and
 * Nimbus's rate-limited source blocks on I/O, hence this class.
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
	 * The candidate verifiers for a token header: the key with that {@code kid}, or every
	 * signing key of the algorithm's key type when the token names no kid. Empty when
	 * none is known even after a permitted refresh.
	 */
	public Mono<List<JWSVerifier>> verifiers(@Nullable String kid, JWSAlgorithm alg) {
		Keys current = keys.get();
		List<JWSVerifier> found = current.find(kid, alg);
		Instant now = clock.instant();
		if (!found.isEmpty()) {
			if (current.fetchedAt != null && now.isAfter(current.fetchedAt.plus(maxAge))) {
				refreshIfAllowed(now, retryInterval).subscribe(k -> {
				}, ex -> {
				}); // background refresh; errors are logged by fetch()
			}
			return Mono.just(found);
		}
		Duration gap = current.fetchedAt == null ? retryInterval : refreshCooldown;
		return refreshIfAllowed(now, gap).map(k -> k.find(kid, alg))
			.defaultIfEmpty(List.of())
			.onErrorResume(ex -> Mono.just(keys.get().find(kid, alg)));
	}

	/** Number of keys known now (for health and tests). */
	public int size() {
		return keys.get().verifiers.size();
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
			log.debug("Loaded {} signing keys from the JWKS endpoint", k.verifiers.size());
		}).doOnError(ex -> outage.failed(ex, "keeping " + keys.get().verifiers.size() + " cached signing keys"));
	}

	private record Keys(List<Entry> verifiers, @Nullable Instant fetchedAt) {

		static final Keys EMPTY = new Keys(List.of(), null);

		static Keys of(JWKSet set, Instant fetchedAt) {
			List<Entry> all = new ArrayList<>();
			for (JWK jwk : set.getKeys()) {
				if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
					continue;
				}
				try {
					JWSVerifier verifier;
					if (jwk instanceof RSAKey rsa) {
						verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
					}
					else if (jwk instanceof ECKey ec) {
						verifier = new ECDSAVerifier(ec.toECPublicKey());
					}
					else {
						continue; // symmetric or OKP keys: never accepted from a JWKS
					}
					Entry e = new Entry(jwk.getKeyID(), jwk.getKeyType(),
							jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName(), verifier);
					all.add(e);
				}
				catch (Exception ex) {
					log.warn("Skipping unusable key '{}' in JWKS: {}", jwk.getKeyID(), ex.getMessage());
				}
			}
			return new Keys(List.copyOf(all), fetchedAt);
		}

		List<JWSVerifier> find(@Nullable String kid, JWSAlgorithm alg) {
			KeyType wanted = KeyType.forAlgorithm(alg);
			List<JWSVerifier> out = new ArrayList<>(1);
			for (Entry e : verifiers) {
				if (kid != null && !kid.equals(e.kid)) {
					continue;
				}
				if (!e.type.equals(wanted) || (e.alg != null && !e.alg.equals(alg.getName()))) {
					continue;
				}
				if (!e.verifier.supportedJWSAlgorithms().contains(alg)) {
					continue;
				}
				out.add(e.verifier);
			}
			return out;
		}
	}

	private record Entry(@Nullable String kid, KeyType type, @Nullable String alg, JWSVerifier verifier) {
	}

}
