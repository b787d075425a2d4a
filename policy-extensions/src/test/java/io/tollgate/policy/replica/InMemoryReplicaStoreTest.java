package io.tollgate.policy.replica;

import java.time.Duration;

import io.tollgate.testsupport.time.MutableClock;

class InMemoryReplicaStoreTest extends ReplicaStoreContract {

	final MutableClock clock = MutableClock.start();

	final InMemoryReplicaStore store = new InMemoryReplicaStore(this.clock);

	@Override
	ReplicaStore store() {
		return this.store;
	}

	@Override
	void advance(Duration by) {
		this.clock.advance(by);
	}

}
