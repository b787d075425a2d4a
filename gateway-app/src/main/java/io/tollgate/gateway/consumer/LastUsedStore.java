package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import reactor.core.publisher.Mono;

/** When each API key last authenticated a request, written in batches by replicas. */
public interface LastUsedStore {

	/** Records these last-use times (key id to time). */
	Mono<Void> record(Map<String, Instant> lastUsed);

	/** The recorded times of these keys; keys never used are absent. */
	Mono<Map<String, Instant>> read(Collection<String> keyIds);

	/** Drops the records of revoked keys. */
	Mono<Void> forget(Collection<String> keyIds);

}
