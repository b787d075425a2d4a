package io.tollgate.gateway.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.Write;
import io.tollgate.gateway.support.GatewayInstance;

/**
 * Writes plans and consumers into the gateways' real store as the Admin API does:
 * validated and made canonical by their codecs, with their unique values. Each write
 * returns once every given replica has applied it through its own sync, within the second
 * that Tollgate promises.
 */
final class ManagedResources {

	private static final Duration PROPAGATION = Duration.ofSeconds(1);

	private final ResourceStore store;

	private final List<ManagementState> replicas;

	ManagedResources(GatewayInstance... replicas) {
		this.store = replicas[0].bean(ResourceStore.class);
		this.replicas = java.util.Arrays.stream(replicas).map(g -> g.bean(ManagementState.class)).toList();
	}

	ResourceStore store() {
		return this.store;
	}

	void plan(String id, String json) {
		put(new PlanCodec(), id, json);
	}

	void consumer(String id, String json) {
		put(new ConsumerCodec(), id, json);
	}

	void delete(Kind kind, String id) {
		commit(Batch.of("tester", "delete", Write.delete(kind, id, Precondition.exists())),
				"delete " + kind + " " + id);
	}

	void commit(Batch batch, String what) {
		Commit commit = this.store.commit(batch).block();
		assertThat(commit.committed()).as("%s: %s", what, commit).isTrue();
		awaitApplied(commit.revision());
	}

	void awaitApplied(long revision) {
		long deadline = System.nanoTime() + PROPAGATION.toNanos();
		for (ManagementState replica : this.replicas) {
			while (replica.revision() < revision) {
				assertThat(System.nanoTime()).as("revision %d applied within %s", revision, PROPAGATION)
					.isLessThan(deadline);
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	private <T> void put(ResourceCodec<T> codec, String id, String json) {
		ResourceCodec.Parsed<T> parsed = codec.parse(id, json);
		assertThat(parsed.errors()).isEmpty();
		String canonical = codec.canonical(parsed.value());
		commit(Batch.of("tester", "replace", Write.put(codec.kind(), id, canonical, Precondition.any(),
				codec.uniques(parsed.value()), null, codec.redacted(parsed.value()))),
				"put " + codec.kind() + " " + id);
	}

}
