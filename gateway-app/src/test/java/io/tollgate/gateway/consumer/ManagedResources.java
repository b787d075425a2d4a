package io.tollgate.gateway.consumer;

import java.util.List;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagedTestSources;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.Write;
import io.tollgate.gateway.support.GatewayInstance;

/**
 * {@link ManagedTestSources} for several replicas: each write goes through the first
 * one's real store and returns once every replica has applied it through its own sync,
 * within the second that Tollgate promises.
 */
final class ManagedResources {

	private final List<GatewayInstance> replicas;

	ManagedResources(GatewayInstance... replicas) {
		this.replicas = List.of(replicas);
	}

	void plan(String id, String json) {
		ManagedTestSources.plan(this.replicas.get(0), id, json);
		awaitApplied();
	}

	void consumer(String id, String json) {
		ManagedTestSources.consumer(this.replicas.get(0), id, json);
		awaitApplied();
	}

	void delete(Kind kind, String id) {
		commit(Batch.of("tester", "delete", Write.delete(kind, id, Precondition.exists())));
	}

	void commit(Batch batch) {
		long revision = ManagedTestSources.commitBatch(this.replicas.get(0), batch);
		this.replicas.forEach(replica -> ManagedTestSources.awaitApplied(replica, revision));
	}

	/** Every replica has what the first one applied. */
	private void awaitApplied() {
		long revision = this.replicas.get(0).bean(io.tollgate.gateway.registry.ManagementState.class).revision();
		this.replicas.forEach(replica -> ManagedTestSources.awaitApplied(replica, revision));
	}

}
