package io.tollgate.gateway.consumer;

import java.util.ArrayList;
import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;

/**
 * A consumer's keys in the store, page by page through all keys (the store indexes unique
 * values only: listing costs one read per 500 keys in the store).
 *
 * <p>
 * {@link #deletesFor} is for the Admin API, to add to the batch that deletes a consumer:
 * a consumer created later with the same id must not inherit its keys. (Until they are
 * deleted, keys of a deleted consumer are refused, but they would work again for a new
 * consumer of that id.)
 */
public final class ConsumerKeys {

	private static final int PAGE = 500;

	private final ManagementAccess access;

	private final ResourceCodec<ApiKeyRecord> codec;

	public ConsumerKeys(ManagementAccess access, ResourceCodec<ApiKeyRecord> codec) {
		this.access = access;
		this.codec = codec;
	}

	/** One delete per key of {@code consumerId}, audited without the key's hash. */
	public Mono<List<Write>> deletesFor(String consumerId) {
		ResourceStore store = this.access.store();
		if (store == null) {
			return Mono.just(List.of());
		}
		return keysOf(store, consumerId).map(keys -> keys.stream()
			.map(k -> Write.delete(Kind.KEYS, k.id(), Precondition.exists(), this.codec.redacted(k)))
			.toList());
	}

	/**
	 * One delete per key of {@code consumerId} among {@code keys} (the keys of one
	 * snapshot, for a configuration apply that deletes the consumer).
	 */
	public List<Write> deletesFor(String consumerId, List<StoredResource> keys) {
		List<Write> deletes = new ArrayList<>();
		for (StoredResource r : keys) {
			ResourceCodec.Parsed<ApiKeyRecord> parsed = this.codec.parse(r.id(), r.json());
			if (parsed.isValid() && parsed.value().consumer().equals(consumerId)) {
				deletes.add(Write.delete(Kind.KEYS, r.id(), Precondition.revision(r.revision()),
						this.codec.redacted(parsed.value())));
			}
		}
		return deletes;
	}

	Mono<List<ApiKeyRecord>> keysOf(ResourceStore store, String consumerId) {
		return collect(store, consumerId, null, new ArrayList<>());
	}

	private Mono<List<ApiKeyRecord>> collect(ResourceStore store, String consumerId, @Nullable String after,
			List<ApiKeyRecord> acc) {
		return store.list(Kind.KEYS, after, PAGE).flatMap(page -> {
			for (StoredResource r : page) {
				ResourceCodec.Parsed<ApiKeyRecord> parsed = this.codec.parse(r.id(), r.json());
				if (parsed.isValid() && parsed.value().consumer().equals(consumerId)) {
					acc.add(parsed.value());
				}
			}
			return page.size() < PAGE ? Mono.just(List.copyOf(acc))
					: collect(store, consumerId, page.get(page.size() - 1).id(), acc);
		});
	}

}
