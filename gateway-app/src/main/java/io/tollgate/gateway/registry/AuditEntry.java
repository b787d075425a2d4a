package io.tollgate.gateway.registry;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * One audited change, linked to the one before it by {@link #prev()} and {@link #hash()}.
 *
 * @param seq position in the chain (1 for the first entry ever)
 * @param at when it was committed
 * @param actor who made it (the admin token's {@code sub})
 * @param action what it was ({@code create}, {@code replace}, {@code delete}, ...)
 * @param kind the resource's kind
 * @param id the resource's id
 * @param revision the global revision the change became part of
 * @param before the state before, secrets redacted; null when there was none
 * @param after the state after, secrets redacted; null for a delete
 * @param prev the hash of the previous entry ({@code "0"} for the first)
 * @param hash this entry's hash: {@link AuditChain#hash(AuditEntry)}
 */
public record AuditEntry(long seq, Instant at, String actor, String action, Kind kind, String id, long revision,
		@Nullable String before, @Nullable String after, String prev, String hash) {

	/** The hash of "no previous entry". */
	public static final String GENESIS = "0";

	/**
	 * The bytes the hash covers: every field but the hash, in a fixed order, one per
	 * line.
	 */
	String canonical() {
		return this.seq + "\n" + this.at.toEpochMilli() + "\n" + this.actor + "\n" + this.action + "\n"
				+ this.kind.path() + "\n" + this.id + "\n" + this.revision + "\n"
				+ (this.before == null ? "" : this.before) + "\n" + (this.after == null ? "" : this.after) + "\n"
				+ this.prev;
	}

	AuditEntry withHash(String newHash) {
		return new AuditEntry(this.seq, this.at, this.actor, this.action, this.kind, this.id, this.revision,
				this.before, this.after, this.prev, newHash);
	}

}
