package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.tollgate.testsupport.time.MutableClock;

/**
 * The breaker's decisions on one replica, on the in-memory store and a mock clock: no
 * Redis, no sleeps.
 */
class SharedCircuitBreakerTest {

	static final Duration T = Duration.ofSeconds(5);

	final MutableClock clock = MutableClock.start();

	final CountingStore store = new CountingStore(new InMemoryBreakerStore(this.clock));

	final BreakerMetrics metrics = new BreakerMetrics(null);

	static BreakerSettings settings(int minimumCalls, int halfOpenCalls) {
		return new BreakerSettings("orders", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), minimumCalls,
				Duration.ofSeconds(30), halfOpenCalls, Set.of(500, 502, 503, 504), null);
	}

	SharedCircuitBreaker breaker(BreakerSettings s) {
		SharedCircuitBreaker b = new SharedCircuitBreaker(s, this.store, this.clock);
		b.poll().block(T);
		return b;
	}

	/**
	 * Opens the shared breaker and lets its wait pass: the next caller moves it to
	 * HALF_OPEN.
	 */
	void openAndWait(SharedCircuitBreaker b) {
		this.store.record(b.settings(), 100, 100, 0).doOnNext(b::applyPushed).block(T);
		assertThat(b.sharedState()).isEqualTo(BreakerState.OPEN);
		this.clock.advance(b.settings().waitInOpen().plusMillis(1));
	}

	@Test
	void whenFailuresCrossTheThreshold_thenTheLocalBreakerOpens_andRejectsWithItsRemainingWait() {
		SharedCircuitBreaker b = breaker(settings(5, 3));
		for (int i = 0; i < 5; i++) {
			Permit p = b.acquire().block(T);
			b.complete(p, Outcome.FAILURE, 1_000_000).block(T);
		}
		assertThat(b.localState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.clock.advance(Duration.ofSeconds(10));
		Permit rejected = b.acquire().block(T);
		assertThat(rejected.rejectedBy()).isEqualTo("local");
		assertThat(rejected.retryAfterMillis()).isEqualTo(20_000);
		assertThat(b.retryAfterMillis()).isEqualTo(20_000);
	}

	@Test
	void whenTheCallsSayNothingAboutTheUpstream_thenNeitherBreakerMoves() {
		SharedCircuitBreaker b = breaker(settings(5, 3));
		for (int i = 0; i < 100; i++) {
			Permit p = b.acquire().block(T);
			b.complete(p, Outcome.NOT_UPSTREAM, 1_000_000).block(T);
		}
		b.flush().block(T);
		assertThat(b.localState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.store.records.get()).as("nothing to send to the shared window").isZero();
	}

	@Test
	void whenAPermitIsOnlyAssembled_thenNothingIsTaken_andTrialPermitsGoToSubscribersOnly() {
		SharedCircuitBreaker b = breaker(settings(1, 1));
		openAndWait(b);
		Mono<Permit> first = b.acquire();
		Mono<Permit> second = b.acquire();
		assertThat(this.store.acquires.get()).as("assembling asks nobody").isZero();
		Permit trial = second.block(T);
		assertThat(trial.isTrial()).isTrue();
		assertThat(first.block(T).granted()).isFalse();
	}

	@Test
	void whenATrialCallEndsWithoutTheUpstream_thenItsPermitGoesBack() {
		SharedCircuitBreaker b = breaker(settings(1, 1));
		openAndWait(b);
		Permit trial = b.acquire().block(T);
		assertThat(trial.isTrial()).isTrue();
		b.complete(trial, Outcome.NOT_UPSTREAM, 1_000_000).block(T);
		assertThat(b.sharedState()).isEqualTo(BreakerState.HALF_OPEN);
		Permit again = b.acquire().block(T);
		assertThat(again.isTrial()).as("the released permit is handed out again").isTrue();
		b.complete(again, Outcome.SUCCESS, 1_000_000).block(T);
		assertThat(b.sharedState()).isEqualTo(BreakerState.CLOSED);
		assertThat(b.localState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void whenNoTrialPermitIsLeft_thenCallersAreRefusedWithoutAskingTheStoreForAWhile() {
		SharedCircuitBreaker b = breaker(settings(1, 1));
		openAndWait(b);
		assertThat(b.acquire().block(T).isTrial()).isTrue();
		assertThat(b.acquire().block(T).granted()).isFalse();
		int asked = this.store.acquires.get();
		for (int i = 0; i < 50; i++) {
			assertThat(b.acquire().block(T).rejectedBy()).isEqualTo("cluster");
		}
		assertThat(this.store.acquires.get()).isEqualTo(asked);
		this.clock.advance(Duration.ofMillis(SharedCircuitBreaker.DENIED_TRIAL_HOLD_MILLIS + 1));
		b.acquire().block(T);
		assertThat(this.store.acquires.get()).isEqualTo(asked + 1);
	}

	@Test
	void whenTheFilterCallIsCancelled_thenTheTrialPermitGoesBack() {
		SharedCircuitBreaker b = breaker(settings(1, 1));
		openAndWait(b);
		BreakerFilter filter = new BreakerFilter(b, this.metrics, null, null);
		Sinks.Empty<Void> never = Sinks.empty();
		GatewayFilterChain hanging = exchange -> never.asMono();
		filter.filter(exchange(), hanging).subscribe().dispose();
		Permit again = b.acquire().block(T);
		assertThat(again.isTrial()).isTrue();
	}

	@Test
	void whenTheGatewayFailsBehindTheBreaker_thenTheErrorPassesAndNothingCounts() {
		SharedCircuitBreaker b = breaker(settings(5, 3));
		BreakerFilter filter = new BreakerFilter(b, this.metrics, null, null);
		for (int i = 0; i < 20; i++) {
			Mono<Void> result = filter.filter(exchange(),
					exchange -> Mono.error(new IllegalArgumentException("Validation failed for header 'X-User-Id'")));
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> result.block(T))
				.isInstanceOf(IllegalArgumentException.class);
		}
		for (int i = 0; i < 20; i++) {
			MockServerWebExchange refused = exchange();
			filter.filter(refused, exchange -> {
				exchange.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
				return Mono.empty();
			}).block(T);
		}
		b.flush().block(T);
		assertThat(b.localState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.store.records.get()).isZero();
	}

	@Test
	void whenTheUpstreamAnswersWithAFailureStatus_thenItCounts() {
		SharedCircuitBreaker b = breaker(settings(5, 3));
		BreakerFilter filter = new BreakerFilter(b, this.metrics, null, null);
		for (int i = 0; i < 5; i++) {
			MockServerWebExchange upstream = exchange();
			filter.filter(upstream, exchange -> {
				// what the routing filter leaves behind once the upstream answered
				exchange.getAttributes().put(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR, new Object());
				exchange.getResponse().setStatusCode(HttpStatus.BAD_GATEWAY);
				return Mono.empty();
			}).block(T);
		}
		assertThat(b.localState()).isEqualTo(CircuitBreaker.State.OPEN);
		b.flush().block(T);
		assertThat(this.store.records.get()).isEqualTo(1);
	}

	static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/orders/1"));
	}

	/** Counts what the breaker asks the store. */
	static final class CountingStore implements BreakerStore {

		final BreakerStore delegate;

		final AtomicInteger acquires = new AtomicInteger();

		final AtomicInteger records = new AtomicInteger();

		CountingStore(BreakerStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public boolean available() {
			return this.delegate.available();
		}

		@Override
		public Mono<SharedSnapshot> record(BreakerSettings settings, long calls, long failures, long slow) {
			this.records.incrementAndGet();
			return this.delegate.record(settings, calls, failures, slow);
		}

		@Override
		public Mono<TrialPermit> acquireTrial(BreakerSettings settings) {
			return Mono.defer(() -> {
				this.acquires.incrementAndGet();
				return this.delegate.acquireTrial(settings);
			});
		}

		@Override
		public Mono<SharedSnapshot> reportTrial(BreakerSettings settings, long version, TrialOutcome outcome) {
			return this.delegate.reportTrial(settings, version, outcome);
		}

		@Override
		public Mono<SharedSnapshot> read(String name) {
			return this.delegate.read(name);
		}

		@Override
		public Mono<SharedSnapshot> force(String name, BreakerOverride override) {
			return this.delegate.force(name, override);
		}

		@Override
		public Flux<SharedSnapshot.NamedSnapshot> changes(Runnable onSubscribed) {
			return this.delegate.changes(onSubscribed);
		}

	}

}
