package io.tollgate.gateway.registry;

import org.springframework.lang.Nullable;

/**
 * The result of checking the audit chain.
 *
 * @param intact whether every entry checked is unchanged and in order
 * @param checked how many entries were checked
 * @param brokenAt the {@code seq} of the first entry that fails, or -1
 * @param problem what is wrong with it, null when intact
 * @param keyed whether the chain is keyed (HMAC) or plain SHA-256
 */
public record AuditVerification(boolean intact, int checked, long brokenAt, @Nullable String problem, boolean keyed) {

	static AuditVerification intact(int checked, boolean keyed) {
		return new AuditVerification(true, checked, -1, null, keyed);
	}

	static AuditVerification broken(int checked, long seq, String problem, boolean keyed) {
		return new AuditVerification(false, checked, seq, problem, keyed);
	}

}
