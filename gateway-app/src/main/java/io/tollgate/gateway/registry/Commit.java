package io.tollgate.gateway.registry;

import org.springframework.lang.Nullable;

/**
 * The outcome of committing a {@link Batch}: the new revision, or which write was refused
 * and why (nothing was written then).
 *
 * @param revision the revision the batch became, or -1 when refused
 * @param rejectedWrite the index of the refused write, or -1
 * @param reason why it was refused, null when committed
 * @param detail what the refusal concerns (for a conflict: the unique value, e.g.
 * {@code basePath:/shop/v1}), null when none
 */
public record Commit(long revision, int rejectedWrite, @Nullable Reason reason, @Nullable String detail) {

	/** Why a batch was refused. */
	public enum Reason {

		/** A precondition (If-Match, If-None-Match) does not hold: HTTP 412. */
		PRECONDITION_FAILED,

		/** A resource to delete does not exist: HTTP 404. */
		NOT_FOUND,

		/** A unique value is held by another resource: HTTP 409. */
		CONFLICT

	}

	public static Commit ok(long revision) {
		return new Commit(revision, -1, null, null);
	}

	public static Commit rejected(int write, Reason reason, @Nullable String detail) {
		return new Commit(-1, write, reason, detail);
	}

	public boolean committed() {
		return this.reason == null;
	}

}
