package io.tollgate.policy.circuitbreaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.lang.Nullable;

/**
 * {@code tollgate.circuitbreaker.state} (1 for the current state, 0 otherwise; scope
 * {@code cluster} for the shared breaker, {@code local} for this replica's own) and
 * {@code tollgate.circuitbreaker.calls} by outcome (success, slow, failure, timeout,
 * not_permitted, not_upstream). Registered with each breaker and removed with it.
 */
public class BreakerMetrics {

	/** Values of the {@code outcome} tag. */
	enum Call {

		SUCCESS, SLOW, FAILURE, TIMEOUT, NOT_PERMITTED,

		/** The call ended without the upstream to blame: not counted by the breaker. */
		NOT_UPSTREAM;

		final String tag = name().toLowerCase(Locale.ROOT);

	}

	@Nullable
	private final MeterRegistry registry;

	/**
	 * Counters per breaker, indexed by {@link Call#ordinal()}: no meter lookup per
	 * request.
	 */
	private final Map<SharedCircuitBreaker, Counter[]> counters = new ConcurrentHashMap<>();

	private final Map<SharedCircuitBreaker, List<Meter>> meters = new ConcurrentHashMap<>();

	public BreakerMetrics(@Nullable MeterRegistry registry) {
		this.registry = registry;
	}

	void register(SharedCircuitBreaker breaker) {
		if (this.registry == null) {
			return;
		}
		List<Meter> registered = new ArrayList<>();
		for (BreakerState state : BreakerState.values()) {
			registered
				.add(Gauge.builder("tollgate.circuitbreaker.state", breaker, b -> b.sharedState() == state ? 1 : 0)
					.tag("name", breaker.name())
					.tag("state", state.name().toLowerCase(Locale.ROOT))
					.tag("scope", "cluster")
					.description("Shared circuit breaker state as seen by this replica")
					.strongReference(true)
					.register(this.registry));
		}
		for (CircuitBreaker.State state : new CircuitBreaker.State[] { CircuitBreaker.State.CLOSED,
				CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN }) {
			registered.add(Gauge.builder("tollgate.circuitbreaker.state", breaker, b -> b.localState() == state ? 1 : 0)
				.tag("name", breaker.name())
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.tag("scope", "local")
				.description("This replica's own circuit breaker state")
				.strongReference(true)
				.register(this.registry));
		}
		Counter[] byOutcome = new Counter[Call.values().length];
		for (Call call : Call.values()) {
			byOutcome[call.ordinal()] = Counter.builder("tollgate.circuitbreaker.calls")
				.tag("name", breaker.name())
				.tag("outcome", call.tag)
				.description("Calls through a shared circuit breaker by outcome")
				.register(this.registry);
			registered.add(byOutcome[call.ordinal()]);
		}
		this.counters.put(breaker, byOutcome);
		this.meters.put(breaker, registered);
	}

	void unregister(SharedCircuitBreaker breaker) {
		this.counters.remove(breaker);
		List<Meter> registered = this.meters.remove(breaker);
		if (this.registry != null && registered != null) {
			registered.forEach(this.registry::remove);
		}
	}

	void call(SharedCircuitBreaker breaker, Call call) {
		Counter[] byOutcome = this.counters.get(breaker);
		if (byOutcome != null) {
			byOutcome[call.ordinal()].increment();
		}
	}

}
