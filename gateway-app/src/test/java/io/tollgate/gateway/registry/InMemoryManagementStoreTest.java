package io.tollgate.gateway.registry;

import java.util.function.BooleanSupplier;

import io.tollgate.testsupport.time.MutableClock;

class InMemoryManagementStoreTest extends ManagementStoreContract {

	final InMemoryManagementStore store = new InMemoryManagementStore(MutableClock.start(), AuditChain.of("s3cret"),
			1000);

	@Override
	protected ResourceStore resources() {
		return this.store;
	}

	@Override
	protected ChangeFeed feed() {
		return this.store;
	}

	@Override
	protected AuditLog audit() {
		return this.store;
	}

	@Override
	protected void tamperWithAudit(long seq) {
		this.store.tamper(seq, e -> new AuditEntry(e.seq(), e.at(), "mallory", e.action(), e.kind(), e.id(),
				e.revision(), e.before(), e.after(), e.prev(), e.hash()));
	}

	@Override
	protected void awaitDelivery(BooleanSupplier condition) {
		org.assertj.core.api.Assertions.assertThat(condition.getAsBoolean()).isTrue();
	}

}
