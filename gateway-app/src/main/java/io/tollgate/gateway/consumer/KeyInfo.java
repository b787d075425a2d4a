package io.tollgate.gateway.consumer;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * An API key as listed: everything but its secret.
 *
 * @param id the key's id
 * @param prefix its first characters
 * @param name its name, may be null
 * @param createdAt when it was issued
 * @param expiresAt when it stops working (a rotated key: the end of its overlap), null
 * for never
 * @param lastUsedAt when it last authenticated a request (recorded at most about once a
 * minute), null if never
 */
public record KeyInfo(String id, String prefix, @Nullable String name, Instant createdAt, @Nullable Instant expiresAt,
		@Nullable Instant lastUsedAt) {
}
