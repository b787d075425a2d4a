package io.tollgate.gateway.registry;

import java.util.List;

import reactor.core.publisher.Mono;

/** The hash-chained record of every committed write. */
public interface AuditLog {

	/** The newest entries, newest first. */
	Mono<List<AuditEntry>> latest(int limit);

	/** Checks every retained entry against the chain. */
	Mono<AuditVerification> verify();

}
