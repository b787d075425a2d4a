package io.tollgate.gateway.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

/**
 * Issuing, listing, revoking and rotating a consumer's API keys, for the Admin API.
 * Errors are {@link io.tollgate.gateway.registry.ManagementProblem}s (404 unknown
 * consumer or key, 503 no {@code tollgate.api-keys.secret}).
 */
public interface ApiKeyService {

	/**
	 * Whether keys can be issued and checked ({@code tollgate.api-keys.secret} is set).
	 */
	boolean available();

	Mono<IssuedKey> issue(String consumerId, @Nullable String name, @Nullable Instant expiresAt, String actor,
			boolean dryRun);

	Mono<List<KeyInfo>> list(String consumerId);

	/** Revokes a key at once (on every replica within a second). */
	Mono<Void> revoke(String consumerId, String keyId, String actor, boolean dryRun);

	/** Issues a new key; the old one keeps working until {@code overlap} has passed. */
	Mono<IssuedKey> rotate(String consumerId, String keyId, Duration overlap, String actor, boolean dryRun);

}
