package io.tollgate.policy.circuitbreaker;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/circuitbreakers}: every shared breaker with its cluster and local
 * state, and an operator override ({@code POST /actuator/circuitbreakers/<name>} with
 * {@code {"state": "open" | "closed" | "reset"}}) that reaches every replica through
 * Redis.
 */
@Endpoint(id = "circuitbreakers")
public class CircuitBreakersEndpoint {

	private final SharedCircuitBreakers breakers;

	public CircuitBreakersEndpoint(SharedCircuitBreakers breakers) {
		this.breakers = breakers;
	}

	@ReadOperation
	public Map<String, List<BreakerDescriptor>> list() {
		return Map.of("circuitBreakers",
				breakers.all()
					.stream()
					.sorted(Comparator.comparing(SharedCircuitBreaker::name))
					.map(BreakerDescriptor::of)
					.toList());
	}

	@ReadOperation
	@Nullable
	public BreakerDescriptor one(@Selector String name) {
		SharedCircuitBreaker breaker = breakers.get(name);
		return breaker == null ? null : BreakerDescriptor.of(breaker);
	}

	@WriteOperation
	public Mono<BreakerDescriptor> force(@Selector String name, String state) {
		SharedCircuitBreaker breaker = breakers.get(name);
		if (breaker == null) {
			return Mono.empty();
		}
		BreakerOverride action = switch (state == null ? "" : state.trim().toLowerCase(Locale.ROOT)) {
			case "open", "forced_open" -> BreakerOverride.FORCED_OPEN;
			case "closed", "forced_closed" -> BreakerOverride.FORCED_CLOSED;
			case "reset", "auto" -> BreakerOverride.RESET;
			default -> throw new InvalidEndpointRequestException("state must be open, closed or reset",
					"state must be open, closed or reset");
		};
		return breakers.force(name, action).thenReturn(breaker).map(BreakerDescriptor::of);
	}

	/**
	 * @param name breaker name
	 * @param state the shared state as this replica sees it
	 * @param localState this replica's own breaker
	 * @param shared false while Redis is unreachable and only the local breaker decides
	 * @param retryAfterSeconds seconds until trial calls are allowed, when open
	 */
	public record BreakerDescriptor(String name, String state, String localState, boolean shared,
			long retryAfterSeconds) {

		static BreakerDescriptor of(SharedCircuitBreaker b) {
			return new BreakerDescriptor(b.name(), b.sharedState().name(), b.localState().name(), b.isShared(),
					retryAfterSeconds(b.retryAfterMillis()));
		}

		/**
		 * Rounded as in the {@code Retry-After} of a rejected call; 0 while calls pass.
		 */
		static long retryAfterSeconds(long millis) {
			return millis <= 0 ? 0 : Math.max(1, (millis + 999) / 1000);
		}

	}

}
