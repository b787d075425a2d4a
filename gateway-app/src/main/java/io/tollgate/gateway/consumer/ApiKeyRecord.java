package io.tollgate.gateway.consumer;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * An API key as stored: never the key itself, only its HMAC and its first characters.
 *
 * @param id the key's id (resource id of kind {@code keys})
 * @param consumer the consumer it identifies
 * @param prefix the key's first characters ({@code tg_} and 7), to recognise it
 * @param keyHash the lower-case hex HMAC-SHA-256 of the key under
 * {@code tollgate.api-keys.secret}
 * @param name a name given at issue, may be null
 * @param createdAt when it was issued
 * @param expiresAt when it stops working (after a rotation: the end of the overlap), null
 * for never
 */
public record ApiKeyRecord(String id, String consumer, String prefix, String keyHash, @Nullable String name,
		Instant createdAt, @Nullable Instant expiresAt) {

	/** Whether the key still works at {@code now}. */
	public boolean activeAt(Instant now) {
		return this.expiresAt == null || now.isBefore(this.expiresAt);
	}

	ApiKeyRecord withExpiresAt(@Nullable Instant newExpiresAt) {
		return new ApiKeyRecord(this.id, this.consumer, this.prefix, this.keyHash, this.name, this.createdAt,
				newExpiresAt);
	}

	KeyInfo info(@Nullable Instant lastUsedAt) {
		return new KeyInfo(this.id, this.prefix, this.name, this.createdAt, this.expiresAt, lastUsedAt);
	}

}
