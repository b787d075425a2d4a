package io.tollgate.gateway.consumer;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.InMemoryManagementStore;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.Write;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes plans and consumers into a shared store as the Admin API will: validated and
 * made canonical by their codecs, with their unique values.
 */
final class ManagedResources {

	private final InMemoryManagementStore store;

	ManagedResources(InMemoryManagementStore store) {
		this.store = store;
	}

	void plan(String id, String json) {
		put(new PlanCodec(), id, json);
	}

	void consumer(String id, String json) {
		put(new ConsumerCodec(), id, json);
	}

	void delete(Kind kind, String id) {
		Commit commit = this.store.commit(Batch.of("tester", "delete", Write.delete(kind, id, Precondition.exists())))
			.block();
		assertThat(commit.committed()).as("delete %s %s: %s", kind, id, commit).isTrue();
	}

	private <T> void put(ResourceCodec<T> codec, String id, String json) {
		ResourceCodec.Parsed<T> parsed = codec.parse(id, json);
		assertThat(parsed.errors()).isEmpty();
		String canonical = codec.canonical(parsed.value());
		Commit commit = this.store.commit(Batch.of("tester", "replace", Write.put(codec.kind(), id, canonical,
				Precondition.any(), codec.uniques(parsed.value()), null, codec.redacted(parsed.value()))))
			.block();
		assertThat(commit.committed()).as("put %s %s: %s", codec.kind(), id, commit).isTrue();
	}

}
