package io.tollgate.gateway.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.lang.Nullable;

/**
 * How audit entries are chained: each entry's hash covers its fields and the previous
 * entry's hash. Keyed (HMAC-SHA-256 with a key derived from
 * {@code tollgate.api-keys.secret}) when a secret is configured, so someone who can write
 * to Redis but does not know the secret cannot rewrite the chain to hide an edit; plain
 * SHA-256 otherwise, which still shows edits that leave the chain as it was.
 */
public final class AuditChain {

	@Nullable
	private final byte[] key;

	private AuditChain(@Nullable byte[] key) {
		this.key = key;
	}

	/**
	 * A chain keyed by a key derived from the secret; unkeyed when the secret is null or
	 * empty.
	 */
	public static AuditChain of(@Nullable String secret) {
		if (secret == null || secret.isEmpty()) {
			return new AuditChain(null);
		}
		return new AuditChain(
				hmac(secret.getBytes(StandardCharsets.UTF_8), "tollgate-audit".getBytes(StandardCharsets.UTF_8)));
	}

	public boolean keyed() {
		return this.key != null;
	}

	/** The hash of an entry (its {@code hash} field is ignored). */
	public String hash(AuditEntry entry) {
		byte[] data = entry.canonical().getBytes(StandardCharsets.UTF_8);
		try {
			byte[] digest = this.key != null ? hmac(this.key, data) : MessageDigest.getInstance("SHA-256").digest(data);
			return HexFormat.of().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 unavailable", ex);
		}
	}

	/** The entry with its hash set. */
	public AuditEntry seal(AuditEntry entry) {
		return entry.withHash(hash(entry));
	}

	/**
	 * Checks entries given oldest first: each must follow the one before ({@code prev} =
	 * its hash, {@code seq} + 1) and carry its own hash. The first entry's {@code prev}
	 * is taken as given (older entries may have been trimmed).
	 */
	public AuditVerification verify(List<AuditEntry> oldestFirst) {
		String prev = null;
		long seq = -1;
		for (AuditEntry e : oldestFirst) {
			if (prev != null && (!prev.equals(e.prev()) || e.seq() != seq + 1)) {
				return AuditVerification.broken(oldestFirst.size(), e.seq(), "does not follow entry " + seq, keyed());
			}
			if (!MessageDigest.isEqual(hash(e).getBytes(StandardCharsets.US_ASCII),
					e.hash().getBytes(StandardCharsets.US_ASCII))) {
				return AuditVerification.broken(oldestFirst.size(), e.seq(), "its content does not match its hash",
						keyed());
			}
			prev = e.hash();
			seq = e.seq();
		}
		return AuditVerification.intact(oldestFirst.size(), keyed());
	}

	private static byte[] hmac(byte[] key, byte[] data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 unavailable", ex);
		}
	}

}
