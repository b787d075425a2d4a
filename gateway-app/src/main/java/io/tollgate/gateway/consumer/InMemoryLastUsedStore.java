package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

/** Last uses in this process: for a gateway without Redis, and tests. */
public final class InMemoryLastUsedStore implements LastUsedStore {

	private final Map<String, Instant> times = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> record(Map<String, Instant> lastUsed) {
		return Mono
			.fromRunnable(() -> lastUsed.forEach((id, at) -> this.times.merge(id, at, DefaultApiKeyService::later)));
	}

	@Override
	public Mono<Map<String, Instant>> read(Collection<String> keyIds) {
		return Mono.fromSupplier(() -> {
			Map<String, Instant> out = new HashMap<>();
			for (String id : keyIds) {
				Instant at = this.times.get(id);
				if (at != null) {
					out.put(id, at);
				}
			}
			return out;
		});
	}

	@Override
	public Mono<Void> forget(Collection<String> keyIds) {
		return Mono.fromRunnable(() -> keyIds.forEach(this.times::remove));
	}

}
