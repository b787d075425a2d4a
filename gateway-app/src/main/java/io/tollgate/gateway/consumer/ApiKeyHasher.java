package io.tollgate.gateway.consumer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.lang.Nullable;

/**
 * HMAC-SHA-256 of API keys under {@code tollgate.api-keys.secret}: what the store holds
 * and looks keys up by. Without a secret nothing can be hashed, so no key can be issued
 * or accepted.
 */
public final class ApiKeyHasher {

	@Nullable
	private final SecretKeySpec secret;

	private final ThreadLocal<Mac> macs;

	/**
	 * @param secret the server secret; null or blank: API keys are disabled
	 */
	public ApiKeyHasher(@Nullable String secret) {
		this.secret = secret == null || secret.isBlank() ? null
				: new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		this.macs = ThreadLocal.withInitial(this::newMac);
	}

	public boolean available() {
		return this.secret != null;
	}

	/** The lower-case hex HMAC of {@code key}; only when {@link #available()}. */
	public String hash(String key) {
		if (this.secret == null) {
			throw new IllegalStateException("No tollgate.api-keys.secret: API keys are disabled");
		}
		return HexFormat.of().formatHex(this.macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII)));
	}

	private Mac newMac() {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.secret);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 unavailable", ex);
		}
	}

}
