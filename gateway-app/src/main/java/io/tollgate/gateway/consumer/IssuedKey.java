package io.tollgate.gateway.consumer;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * A newly issued API key: the only time its secret is shown.
 *
 * @param id the key's id (for listing, revoking, rotating)
 * @param key the secret key ({@code tg_...}); never stored, logged or audited
 * @param prefix the key's first characters, stored and listed to recognise it
 * @param name the name given at issue, may be null
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, null for never
 */
public record IssuedKey(String id, String key, String prefix, @Nullable String name, Instant createdAt,
		@Nullable Instant expiresAt) {
}
