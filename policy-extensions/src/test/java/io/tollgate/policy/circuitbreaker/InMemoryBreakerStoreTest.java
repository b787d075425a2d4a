package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.tollgate.testsupport.time.MutableClock;

/** The breaker rules without Redis, on a clock that moves only when the test says so. */
class InMemoryBreakerStoreTest extends BreakerStoreContract {

	final MutableClock clock = MutableClock.start();

	final InMemoryBreakerStore store = new InMemoryBreakerStore(this.clock);

	@Override
	BreakerStore store() {
		return this.store;
	}

	@Override
	void advance(Duration by) {
		this.clock.advance(by);
	}

	@Override
	void awaitDelivery(BooleanSupplier condition) {
		org.assertj.core.api.Assertions.assertThat(condition.getAsBoolean()).as("delivered synchronously").isTrue();
	}

}
